// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace qlower {

/// Where an offending value came from: a document (file name or "<memory>"), a
/// node of the graph and a field of that node, each empty when it does not apply.
///
/// Rationale: a compiler engineer holding a graph of ten thousand nodes needs
/// "model.json: node 'm0': field 'shape[2]'", not "bad shape".
struct error_location {
  std::string source;
  std::string node;
  std::string field;

  friend bool operator==(const error_location&, const error_location&) = default;
};

/// The root of every error qlower reports; what() reads
/// "SOURCE: node 'ID': field 'FIELD': MESSAGE" with the empty parts left out.
class error : public std::runtime_error {
 public:
  explicit error(std::string message, error_location location = {})
      : std::runtime_error(compose(message, location)),
        message_(std::move(message)),
        location_(std::move(location)) {}

  /// The message alone, without the location prefix.
  const std::string& message() const noexcept { return message_; }
  const error_location& location() const noexcept { return location_; }

 private:
  static std::string compose(const std::string& message, const error_location& where) {
    std::string text;
    if (!where.source.empty())
      text += where.source + ": ";
    if (!where.node.empty())
      text += "node '" + where.node + "': ";
    if (!where.field.empty())
      text += "field '" + where.field + "': ";
    return text + message;
  }

  std::string message_;
  error_location location_;
};

/// A shape that cannot describe a tensor: a negative dimension, or an element
/// count or byte size that does not fit in 64 bits.
class shape_error : public error {
 public:
  using error::error;
};

/// A rule file or other configuration that qlower cannot use: an unknown op,
/// rule or dtype name, a field of the wrong type.
class config_error : public error {
 public:
  using error::error;
};

/// Why a graph document or a graph was rejected; one value per error class of
/// graph-format.md, so a caller can branch on the class and a test can check it.
enum class graph_errc : std::uint8_t {
  malformed_json,      ///< not JSON at all, or not the expected JSON kind
  bad_format,          ///< `format` is not "qlower-graph" or `version` is not 1
  missing_field,       ///< a required field is absent
  unknown_field,       ///< a field that is neither known nor an `x-` extension
  wrong_type,          ///< a field of the wrong JSON type
  missing_id,          ///< a node without a usable `id`
  duplicate_id,        ///< two nodes with one `id`
  dangling_reference,  ///< an input or output names no node
  cycle,               ///< the nodes do not form a DAG
  unknown_dtype,       ///< a dtype name outside graph-format.md's list
  bad_dimension,       ///< a negative, non-integer or too large dimension
  bad_attribute,       ///< an attribute of the wrong JSON type for its operator
  bad_data,            ///< constant data of the wrong length or out of its dtype's range
  bad_structure,       ///< an input on an input/const node, a getitem index out of range ...
};

constexpr std::string_view to_string(graph_errc code) noexcept {
  switch (code) {
    case graph_errc::malformed_json:
      return "malformed_json";
    case graph_errc::bad_format:
      return "bad_format";
    case graph_errc::missing_field:
      return "missing_field";
    case graph_errc::unknown_field:
      return "unknown_field";
    case graph_errc::wrong_type:
      return "wrong_type";
    case graph_errc::missing_id:
      return "missing_id";
    case graph_errc::duplicate_id:
      return "duplicate_id";
    case graph_errc::dangling_reference:
      return "dangling_reference";
    case graph_errc::cycle:
      return "cycle";
    case graph_errc::unknown_dtype:
      return "unknown_dtype";
    case graph_errc::bad_dimension:
      return "bad_dimension";
    case graph_errc::bad_attribute:
      return "bad_attribute";
    case graph_errc::bad_data:
      return "bad_data";
    case graph_errc::bad_structure:
      return "bad_structure";
  }
  return "unknown";
}

/// A graph, or a document describing one, that breaks a rule of graph-format.md.
class graph_error : public error {
 public:
  graph_error(graph_errc code, std::string message, error_location location = {})
      : error(std::move(message), std::move(location)), code_(code) {}

  graph_errc code() const noexcept { return code_; }

 private:
  graph_errc code_;
};

}  // namespace qlower
