// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

namespace qlower::harness {

/// The schema names an op header declares with op<>, alias_of<> or variant_of<>,
/// read from its source, so a test covers every op of a header without a second list.
inline std::set<std::string> declared_in(const std::filesystem::path& header) {
  const std::regex declaration(
      R"(struct\s+\w+\s*:\s*(?:op|alias_of|variant_of|spelling_of)<[^"]*"([^"]+)\")");
  std::ifstream file(header);
  std::stringstream text;
  text << file.rdbuf();
  const std::string source = text.str();
  std::set<std::string> names;
  for (auto match = std::sregex_iterator(source.begin(), source.end(), declaration);
       match != std::sregex_iterator(); ++match) {
    names.insert((*match)[1].str());
  }
  return names;
}

inline std::filesystem::path op_header(const std::string& name) {
  return std::filesystem::path(QLOWER_INCLUDE_DIR) / "qlower" / "ops" / name;
}

}  // namespace qlower::harness
