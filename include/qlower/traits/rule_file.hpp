// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>

#include "qlower/core/dtype.hpp"
#include "qlower/core/error.hpp"
#include "qlower/ops/op_table.hpp"
#include "qlower/targets/ethos_u55.hpp"
#include "qlower/targets/target.hpp"
#include "qlower/traits/qspec_rule.hpp"
#include "qlower/traits/quantizer.hpp"
#include "qlower/traits/stranded.hpp"

/// A user's rule set as a file, for `qlower lint`:
///
///     {"format": "qlower-rules", "version": 1,
///      "policy": "arm_quantizer",            // or "arm_quantizer_v2", "arm_quantizer_a16w8",
///      "empty" "target": "ethos-u55",                // or "none" "rules": {"aten.concat.default":
///      "none"}, "target_dtypes": {"aten.permute.default": ["int8", "int16", "int32"],
///                        "aten.add.Tensor": null}}
///
/// `policy` and `target` pick the built-in tables to start from (defaults as
/// shown; "empty" leaves every op unannotated); `rules` sets the rule of one
/// overload exactly (not its aliases), by the names of qspec_rule;
/// `target_dtypes` sets or, with null, lifts the restriction of one op. Every
/// field is optional but `format` and `version`; `x-` fields are ignored.

namespace qlower::traits {

namespace detail {
[[noreturn]] inline void raise_config_error(const std::string& source, const std::string& field,
                                            const std::string& message) {
  throw config_error(message, error_location{source, "", field});
}

inline std::optional<qspec_rule> rule_from_name(std::string_view name) {
  for (int value = 0; value < qspec_rule_count; ++value) {
    if (to_string(static_cast<qspec_rule>(value)) == name)
      return static_cast<qspec_rule>(value);
  }
  return std::nullopt;
}
}  // namespace detail

/// Reads a rule file; every bad input is a config_error naming `source` and the field.
inline rule_set read_rules(std::string_view text, const std::string& source = "<memory>") {
  using json = nlohmann::json;
  auto fail = [&source](const std::string& field, const std::string& message) {
    detail::raise_config_error(source, field, message);
  };
  json document;
  try {
    document = json::parse(text.begin(), text.end());
  } catch (const json::parse_error& failure) {
    throw config_error("not valid JSON at byte " + std::to_string(failure.byte),
                       error_location{source, "", ""});
  } catch (const json::exception& failure) {
    // a number beyond double's range ("1e400") is an out_of_range, not a parse_error
    const std::string text = failure.what();  // "[json.exception.out_of_range.406] number ..."
    const std::size_t end_of_id = text.find("] ");
    throw config_error(
        "not valid JSON: " + (end_of_id == std::string::npos ? text : text.substr(end_of_id + 2)),
        error_location{source, "", ""});
  }
  if (!document.is_object())
    fail("", "a rule file is a JSON object");
  for (const auto& [key, value] : document.items()) {
    if (key.starts_with("x-") || key == "format" || key == "version" || key == "policy" ||
        key == "target" || key == "rules" || key == "target_dtypes") {
      continue;
    }
    fail(key, "unknown field (extensions start with \"x-\")");
  }
  if (document.value("format", json()) != "qlower-rules")
    fail("format", "expected \"qlower-rules\"");
  const json version = document.value("version", json());
  if (!version.is_number_integer() || version != 1)
    fail("version", "expected version 1");

  rule_set set = rule_set_of<arm_quantizer, targets::ethos_u55>();
  if (const auto policy = document.find("policy"); policy != document.end()) {
    if (*policy == "arm_quantizer_a16w8") {
      set.rules = ops::rule_table<arm_quantizer_a16w8>;
      set.config = arm_quantizer_a16w8::config;
    } else if (*policy == "arm_quantizer_v2") {
      set.rules = ops::rule_table<arm_quantizer_v2>;
      set.config = arm_quantizer_v2::config;
    } else if (*policy == "empty") {
      set.rules.fill(qspec_rule::none);
    } else if (*policy != "arm_quantizer") {
      fail("policy",
           "expected \"arm_quantizer\", \"arm_quantizer_v2\", \"arm_quantizer_a16w8\" or "
           "\"empty\", got " +
               policy->dump());
    }
  }
  if (const auto target = document.find("target"); target != document.end()) {
    if (*target == "none") {
      set.dtypes.fill(std::nullopt);
    } else if (*target != "ethos-u55") {
      fail("target", "expected \"ethos-u55\" or \"none\", got " + target->dump());
    }
  }
  auto op_named = [&](const std::string& field, const std::string& name) {
    const ops::op_id id = ops::find_op(name);
    if (id == ops::unknown_op)
      fail(field, "unknown op '" + name + "'");
    return id;
  };
  if (const auto rules = document.find("rules"); rules != document.end()) {
    if (!rules->is_object())
      fail("rules", "expected an object of op name to rule name");
    for (const auto& [name, value] : rules->items()) {
      const std::string field = "rules." + name;
      const ops::op_id id = op_named(field, name);
      // The pipeline rewrites a spelling before it annotates: its rule would never apply.
      if (ops::op_table[id].kind == ops::variant_kind::spelling) {
        fail(field, "a spelling of '" +
                        std::string(ops::op_table[ops::op_table[id].canonical].name) +
                        "', which the pipeline rewrites before annotating: give its rule there");
      }
      const auto rule =
          value.is_string() ? detail::rule_from_name(value.get<std::string>()) : std::nullopt;
      if (!rule)
        fail(field, "unknown rule " + value.dump());
      set.rules[id] = *rule;
    }
  }
  if (const auto dtypes = document.find("target_dtypes"); dtypes != document.end()) {
    if (!dtypes->is_object())
      fail("target_dtypes", "expected an object of op name to dtype list");
    for (const auto& [name, value] : dtypes->items()) {
      const std::string field = "target_dtypes." + name;
      const ops::op_id id = op_named(field, name);
      if (ops::op_table[id].kind != ops::variant_kind::canonical) {
        fail(field, "restrictions are declared on canonical ops: use '" +
                        std::string(ops::op_table[ops::op_table[id].canonical].name) + "'");
      }
      if (value.is_null()) {
        set.dtypes[id] = std::nullopt;
        continue;
      }
      if (!value.is_array())
        fail(field, "expected a list of dtype names or null");
      targets::dtype_set allowed;
      for (std::size_t i = 0; i < value.size(); ++i) {
        const auto type =
            value[i].is_string() ? dtype_from_name(value[i].get<std::string>()) : std::nullopt;
        if (!type)
          fail(field + "[" + std::to_string(i) + "]", "unknown dtype " + value[i].dump());
        allowed = targets::dtype_set::with(allowed, *type);
      }
      set.dtypes[id] = allowed;
    }
    // A canonical op's restriction answers for its aliases and variants too.
    for (std::size_t index = 0; index < ops::op_count; ++index) {
      set.dtypes[index] = set.dtypes[ops::op_table[index].canonical];
    }
  }
  return set;
}

inline rule_set read_rules_file(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file)
    throw config_error("cannot open the file", error_location{path.string(), "", ""});
  std::ostringstream text;
  text << file.rdbuf();
  return read_rules(text.str(), path.string());
}

}  // namespace qlower::traits
