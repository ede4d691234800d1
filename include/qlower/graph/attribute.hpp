// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace qlower::graph {

/// The JSON kind of an attribute value; `integer` and `number` are apart
/// because an ATen schema tells `int` from `float`.
enum class attribute_kind : std::uint8_t { null, boolean, integer, number, string, list };

constexpr std::string_view to_string(attribute_kind kind) noexcept {
  switch (kind) {
    case attribute_kind::null:
      return "null";
    case attribute_kind::boolean:
      return "bool";
    case attribute_kind::integer:
      return "int";
    case attribute_kind::number:
      return "float";
    case attribute_kind::string:
      return "string";
    case attribute_kind::list:
      return "list";
  }
  return "unknown";
}

/// A non-tensor argument of an operator: null, bool, int64, double, string or a
/// list of attributes, exactly the values graph-format.md allows in `attrs`.
class attribute {
 public:
  using list = std::vector<attribute>;

  attribute() = default;
  attribute(std::nullptr_t) {}
  attribute(bool value) : value_(value) {}
  template <std::integral Int>
  requires(!std::same_as<Int, bool>) attribute(Int value)
      : value_(static_cast<std::int64_t>(value)) {}
  attribute(double value) : value_(value) {}
  attribute(std::string value) : value_(std::move(value)) {}
  attribute(const char* value) : value_(std::string(value)) {}
  attribute(list value) : value_(std::move(value)) {}

  attribute_kind kind() const noexcept { return static_cast<attribute_kind>(value_.index()); }

  bool is_null() const noexcept { return kind() == attribute_kind::null; }
  const bool* as_bool() const noexcept { return std::get_if<bool>(&value_); }
  const std::int64_t* as_int() const noexcept { return std::get_if<std::int64_t>(&value_); }
  const double* as_double() const noexcept { return std::get_if<double>(&value_); }
  const std::string* as_string() const noexcept { return std::get_if<std::string>(&value_); }
  const list* as_list() const noexcept { return std::get_if<list>(&value_); }
  /// The value as a number, if it is an int or a float (a schema `float` or `Scalar`).
  std::optional<double> as_number() const noexcept {
    if (const std::int64_t* value = as_int())
      return static_cast<double>(*value);
    if (const double* value = as_double())
      return *value;
    return std::nullopt;
  }

  /// The value as a list of ints, if it is one (the form of `dims`, `stride` ...).
  std::optional<std::vector<std::int64_t>> as_int_list() const {
    const list* items = as_list();
    if (items == nullptr)
      return std::nullopt;
    std::vector<std::int64_t> result;
    result.reserve(items->size());
    for (const attribute& item : *items) {
      const std::int64_t* value = item.as_int();
      if (value == nullptr)
        return std::nullopt;
      result.push_back(*value);
    }
    return result;
  }

  friend bool operator==(const attribute&, const attribute&) = default;

 private:
  // The alternative order is attribute_kind's order: kind() relies on it.
  std::variant<std::nullptr_t, bool, std::int64_t, double, std::string, list> value_{nullptr};
};

/// A node's attributes by schema name, in name order so that writing is deterministic.
using attribute_map = std::map<std::string, attribute, std::less<>>;

}  // namespace qlower::graph
