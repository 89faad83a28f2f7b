#pragma once

// Two pod records field by field (model::Pod has no operator==: its containers have none), for
// tests that read or rebuild the same pods two ways.

#include <gtest/gtest.h>

#include <cstddef>
#include <vector>

#include "costledger/model/kubernetes_records.hpp"

namespace costledger::testing {

inline void ExpectSameContainers(const std::vector<model::Container>& got,
                                 const std::vector<model::Container>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].name, want[i].name);
    EXPECT_EQ(got[i].requests, want[i].requests) << got[i].name;
    EXPECT_EQ(got[i].limits, want[i].limits) << got[i].name;
  }
}

inline void ExpectSamePod(const model::Pod& got, const model::Pod& want) {
  EXPECT_EQ(got.namespace_name, want.namespace_name);
  EXPECT_EQ(got.name, want.name);
  EXPECT_EQ(got.uid, want.uid);
  EXPECT_EQ(got.node_name, want.node_name);
  EXPECT_EQ(got.phase, want.phase);
  EXPECT_EQ(got.labels, want.labels);
  EXPECT_EQ(got.controller_kind, want.controller_kind);
  EXPECT_EQ(got.controller_name, want.controller_name);
  ExpectSameContainers(got.containers, want.containers);
  ExpectSameContainers(got.init_containers, want.init_containers);
  EXPECT_EQ(got.effective_requests, want.effective_requests);
  EXPECT_EQ(got.claims, want.claims);
  EXPECT_EQ(got.created, want.created);
  EXPECT_EQ(got.started, want.started);
  EXPECT_EQ(got.finished, want.finished);
}

}  // namespace costledger::testing
