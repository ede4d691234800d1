// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <algorithm>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>

#include "qlower/core/error.hpp"
#include "qlower/graph/concept.hpp"
#include "qlower/targets/rejection.hpp"

namespace qlower::targets {

/// A target given as a plain capability list, the form in which a user
/// checks what their backend's list would delegate: a listed op is supported
/// in any dtype, a getitem exactly when its producer is, anything else (graph
/// inputs and constants included) runs on the host.
class allow_list {
 public:
  allow_list() = default;
  explicit allow_list(std::set<std::string, std::less<>> ops) : ops_(std::move(ops)) {}

  bool allows(std::string_view op) const { return ops_.contains(op); }
  const std::set<std::string, std::less<>>& ops() const noexcept { return ops_; }

  template <graph::graph G>
  support_result operator()(const G& g, graph::node_index n) const {
    const std::string_view op = g.op_name(n);
    if (op == "input" || op == "const")
      return rejection{reason::graph_input, "a graph input or constant, not an operator"};
    if (op == "getitem") {
      const auto inputs = g.inputs(n);
      const auto producer =
          inputs.empty() ? graph::no_node : static_cast<graph::node_index>(inputs[0]);
      if (producer != graph::no_node && !allows(g.op_name(producer))) {
        return rejection{reason::producer_not_delegated,
                         "a getitem goes where its producer '" +
                             std::string(g.node_name(producer)) + "' goes, and " +
                             std::string(g.op_name(producer)) + " is not on the allow list"};
      }
      return {};
    }
    if (!allows(op))
      return rejection{reason::not_allowed, std::string(op) + " is not on the allow list"};
    return {};
  }

 private:
  std::set<std::string, std::less<>> ops_;
};

/// Reads an allow list: one op name per line ("aten.permute_copy.default"),
/// `#` starts a comment, blank lines are skipped. Throws config_error naming
/// the line of an entry with inner whitespace; names the library does not know
/// are kept, as a graph keeps them.
inline allow_list read_allow_list(std::string_view text, const std::string& source = "<memory>") {
  std::set<std::string, std::less<>> ops;
  std::size_t line_number = 0;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    std::string_view line = text.substr(start, end - start);
    ++line_number;
    start = end + 1;
    if (const std::size_t hash = line.find('#'); hash != std::string_view::npos)
      line = line.substr(0, hash);
    const auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r'; };
    while (!line.empty() && blank(line.front()))
      line.remove_prefix(1);
    while (!line.empty() && blank(line.back()))
      line.remove_suffix(1);
    if (line.empty())
      continue;
    for (char c : line) {
      if (blank(c) || static_cast<unsigned char>(c) < 0x20) {
        throw config_error(
            "'" + std::string(line) + "' is not one op name: write one name per line",
            error_location{source, "", "line " + std::to_string(line_number)});
      }
    }
    ops.emplace(line);
  }
  return allow_list(std::move(ops));
}

/// read_allow_list on a file; config_error when it cannot be read.
inline allow_list read_allow_list_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw config_error("cannot open the file", error_location{path.string(), "", ""});
  std::ostringstream text;
  text << in.rdbuf();
  return read_allow_list(text.str(), path.string());
}

}  // namespace qlower::targets
