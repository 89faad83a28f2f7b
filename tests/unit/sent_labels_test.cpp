// Which labels the collector sends: new or changed since the last pass, once per pass; a pass
// abandoned (its list failed part way) leaves every key as the pass before left it, so that
// what it found changed is found changed again.
#include "costledger/collector/sent_labels.hpp"

#include <gtest/gtest.h>

namespace costledger::collector {
namespace {

const model::Labels kA{{"team", "nlp"}};
const model::Labels kB{{"team", "vision"}};

TEST(SentLabelsTest, NewAndChangedLabelsOncePerPass) {
  SentLabels sent;
  sent.BeginPass();
  EXPECT_TRUE(sent.Changed("ns/a", kA));
  EXPECT_FALSE(sent.Changed("ns/a", kB));  // listed twice in a pass: the first counts
  EXPECT_TRUE(sent.Changed("ns/b", kA));
  sent.EndPass();
  sent.BeginPass();
  EXPECT_FALSE(sent.Changed("ns/a", kA));
  EXPECT_TRUE(sent.Changed("ns/b", kB));
  sent.EndPass();  // ns/a and ns/b seen
  sent.BeginPass();
  EXPECT_FALSE(sent.Changed("ns/b", kB));
  sent.EndPass();  // ns/a not seen: forgotten
  sent.BeginPass();
  EXPECT_TRUE(sent.Changed("ns/a", kA));  // gone and back: sent again
  sent.EndPass();
}

TEST(SentLabelsTest, AnAbandonedPassIsUndone) {
  SentLabels sent;
  sent.BeginPass();
  EXPECT_TRUE(sent.Changed("ns/a", kA));
  EXPECT_TRUE(sent.Changed("ns/b", kA));
  sent.EndPass();
  sent.BeginPass();
  EXPECT_TRUE(sent.Changed("ns/a", kB));  // changed, but the list fails
  EXPECT_FALSE(sent.Changed("ns/b", kA));
  EXPECT_TRUE(sent.Changed("ns/new", kA));
  sent.AbandonPass();
  sent.BeginPass();
  EXPECT_TRUE(sent.Changed("ns/a", kB));  // still changed since sent
  EXPECT_FALSE(sent.Changed("ns/b", kA));
  EXPECT_TRUE(sent.Changed("ns/new", kA));  // still new
  sent.EndPass();
  sent.BeginPass();
  EXPECT_FALSE(sent.Changed("ns/a", kB));
  sent.AbandonPass();  // nothing changed: nothing to undo
  sent.BeginPass();
  EXPECT_FALSE(sent.Changed("ns/a", kB));
  EXPECT_FALSE(sent.Changed("ns/new", kA));
  sent.EndPass();
}

}  // namespace
}  // namespace costledger::collector
