// SPDX-License-Identifier: Apache-2.0
// The graph JSON reader on any bytes. Invariants: reading gives a graph or a
// qlower::error, never another exception; a document that reads writes back
// (write_json) to one that reads to an equal graph, and writing that graph
// again gives the same text, at both indents the writer offers.

#include "qlower/graph/io/json.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz/check.hpp"
#include "qlower/graph/concept.hpp"
#include "qlower/graph/plain_graph.hpp"

namespace {

using qlower::graph::plain_graph;

std::string excerpt(const std::string& text) {
  return text.size() <= 2000 ? text : text.substr(0, 2000) + "...";
}

void check_round_trip(const plain_graph& read, int indent) {
  // The reader accepted the document: the writer must be able to write it.
  const std::string written =
      qlower::fuzz::must_succeed("write_json of a graph read_json accepted",
                                 [&] { return qlower::graph::io::write_json(read, indent); });
  const plain_graph again = qlower::fuzz::must_succeed(
      "read_json of write_json's output", [&] { return qlower::graph::io::read_json(written); });
  QLOWER_FUZZ_CHECK(again == read,
                    "the written document reads to another graph:\n" + excerpt(written));
  const std::string rewritten = qlower::graph::io::write_json(again, indent);
  QLOWER_FUZZ_CHECK(rewritten == written, "writing the graph read back gives other text:\n" +
                                              excerpt(written) + "\n---\n" + excerpt(rewritten));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  plain_graph read;
  if (!qlower::fuzz::typed_error_or_success(
          "read_json", [&] { read = qlower::graph::io::read_json(text, "<fuzz>"); }))
    return 0;
  qlower::fuzz::must_succeed("check_graph_laws on a graph read_json returned",
                             [&] { qlower::graph::check_graph_laws(read); });
  check_round_trip(read, 1);
  check_round_trip(read, -1);
  return 0;
}
