#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "costledger/model/interval_batch.hpp"

namespace costledger::collector {

/// Lossless JSON encoding of a batch (the spool's on-disk format), in the newest format
/// version. DecodeBatch also reads every older version a collector may have left in its spool
/// (format 1: containers without platform and workload, decoded as ""; formats 1 and 2:
/// nodes without node_group, decoded as ""; formats 1 to 3: no volumes; formats 1 to 4: no node
/// labels), and throws InvalidInput naming the field on malformed input or an unknown version.
std::string EncodeBatch(const model::IntervalBatch& batch);
/// The same text handed to `sink` in pieces (of about 64 KiB), so that it never has to be held
/// whole. Exceptions thrown by `sink` propagate.
void EncodeBatch(const model::IntervalBatch& batch,
                 const std::function<void(std::string_view)>& sink);
model::IntervalBatch DecodeBatch(std::string_view json);

}  // namespace costledger::collector
