#include "costledger/sources/kubernetes_parser.hpp"

#include <nlohmann/json.hpp>
#include <string_view>
#include <vector>

#include "kubernetes_list_reader.hpp"

namespace costledger::sources {
namespace {

using list_reader::Json;
using list_reader::ListReader;

template <typename Record>
ListMetadata ParseChunk(std::string_view json, std::vector<Record>& out) {
  return list_reader::ReadChunk(out, [json](ListReader<Record>& reader) {
    Json::sax_parse(json.begin(), json.end(), &reader, Json::input_format_t::json,
                    /*strict=*/true);
  });
}

}  // namespace

ListMetadata ParseNodeListChunk(std::string_view json, std::vector<model::Node>& nodes) {
  return ParseChunk(json, nodes);
}

ListMetadata ParsePodListChunk(std::string_view json, std::vector<model::Pod>& pods) {
  return ParseChunk(json, pods);
}

std::vector<model::Node> ParseNodeList(std::string_view json) {
  std::vector<model::Node> nodes;
  ParseNodeListChunk(json, nodes);
  return nodes;
}

std::vector<model::Pod> ParsePodList(std::string_view json) {
  std::vector<model::Pod> pods;
  ParsePodListChunk(json, pods);
  return pods;
}

}  // namespace costledger::sources
