// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <queue>
#include <sstream>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include "qlower/core/dtype.hpp"
#include "qlower/core/error.hpp"
#include "qlower/core/shape.hpp"
#include "qlower/graph/attribute.hpp"
#include "qlower/graph/attribute_schema.hpp"
#include "qlower/graph/plain_graph.hpp"

namespace qlower::graph::io {

/// The `format` and `version` every document of graph-format.md carries.
inline constexpr std::string_view json_format_name = "qlower-graph";
inline constexpr std::int64_t json_format_version = 1;

/// Attribute lists nest at most this deep; deeper documents are rejected, so
/// that reading, comparing and destroying an attribute never exhausts the stack.
inline constexpr std::size_t max_attribute_depth = 32;

namespace detail {

using json = nlohmann::json;

/// A short, safe rendering of a JSON value for an error message.
inline std::string describe(const json& value) {
  switch (value.type()) {
    case json::value_t::array:
      return "an array of " + std::to_string(value.size()) + " elements";
    case json::value_t::object:
      return "an object of " + std::to_string(value.size()) + " fields";
    case json::value_t::string: {
      std::string text = value.dump(-1, ' ', false, json::error_handler_t::replace);
      if (text.size() > 60)
        text = text.substr(0, 57) + "...\"";
      return "the string " + text;
    }
    case json::value_t::null:
      return "null";
    case json::value_t::boolean:
      return value.get<bool>() ? "true" : "false";
    default:
      return value.dump();
  }
}

/// Reads one document; each member checks one rule of graph-format.md and
/// throws graph_error naming the source, node and field.
class reader {
 public:
  explicit reader(std::string source) : source_(std::move(source)) {}

  plain_graph read(std::string_view text) {
    json document;
    try {
      document = json::parse(text.begin(), text.end());
    } catch (const json::parse_error& failure) {
      throw graph_error(graph_errc::malformed_json,
                        "not valid JSON at byte " + std::to_string(failure.byte) + ": " +
                            strip_nlohmann_prefix(failure.what()),
                        error_location{source_, "", ""});
    } catch (const json::exception& failure) {
      // a number beyond double's range ("1e400") is an out_of_range, not a parse_error
      throw graph_error(graph_errc::malformed_json,
                        "not valid JSON: " + strip_nlohmann_prefix(failure.what()),
                        error_location{source_, "", ""});
    }
    if (!document.is_object()) {
      fail(graph_errc::malformed_json, "the document is " + describe(document) + ", not an object",
           "", "");
    }
    check_fields(document, {"format", "version", "name", "nodes", "outputs"}, "", "");
    check_format(document);

    std::string name;
    if (const auto found = document.find("name"); found != document.end()) {
      if (!found->is_string()) {
        fail(graph_errc::wrong_type, "expected a string, got " + describe(*found), "", "name");
      }
      name = found->get<std::string>();
    }
    const json& nodes = require(document, "nodes", "", "");
    if (!nodes.is_array()) {
      fail(graph_errc::wrong_type, "expected an array, got " + describe(nodes), "", "nodes");
    }
    const json& outputs = require(document, "outputs", "", "");
    if (!outputs.is_array()) {
      fail(graph_errc::wrong_type, "expected an array, got " + describe(outputs), "", "outputs");
    }

    std::vector<parsed_node> parsed;
    parsed.reserve(nodes.size());
    std::unordered_map<std::string, std::size_t> position_of_id;
    position_of_id.reserve(nodes.size());
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      parsed.push_back(read_node(nodes[i], i));
      if (!position_of_id.emplace(parsed.back().value.id, i).second) {
        fail(graph_errc::duplicate_id,
             "duplicate id, first used by node #" +
                 std::to_string(position_of_id[parsed.back().value.id]),
             parsed.back().value.id, "id");
      }
    }
    resolve_inputs(parsed, position_of_id);
    const std::vector<std::size_t> order = topological_order(parsed);

    // Nodes are added in topological order, so file positions map to new indices.
    std::vector<node_index> index_of_position(parsed.size(), no_node);
    plain_graph graph(std::move(name));
    for (std::size_t position : order) {
      parsed_node& entry = parsed[position];
      for (std::size_t k = 0; k < entry.value.inputs.size(); ++k) {
        const node_index input = entry.value.inputs[k];
        entry.value.inputs[k] = input == no_node ? no_node : index_of_position[input];
      }
      check_attribute_schema(entry.value);
      const std::string id = entry.value.id;
      try {
        index_of_position[position] = graph.add_node(std::move(entry.value));
      } catch (const graph_error& failure) {
        throw graph_error(
            failure.code(), failure.message(),
            error_location{source_, failure.location().node, failure.location().field});
      }
    }

    std::vector<node_index> graph_outputs;
    graph_outputs.reserve(outputs.size());
    for (std::size_t i = 0; i < outputs.size(); ++i) {
      const std::string field = "outputs[" + std::to_string(i) + "]";
      if (!outputs[i].is_string()) {
        fail(graph_errc::wrong_type, "expected a node id, got " + describe(outputs[i]), "", field);
      }
      const auto found = position_of_id.find(outputs[i].get<std::string>());
      if (found == position_of_id.end()) {
        fail(graph_errc::dangling_reference,
             "graph output '" + outputs[i].get<std::string>() + "' names no node", "", field);
      }
      graph_outputs.push_back(index_of_position[found->second]);
    }
    graph.set_outputs(std::move(graph_outputs));
    return graph;
  }

 private:
  struct parsed_node {
    node value;
    std::vector<std::string> input_ids;  ///< empty string for a null input
  };

  [[noreturn]] void fail(graph_errc code, std::string message, std::string node,
                         std::string field) const {
    throw graph_error(code, std::move(message),
                      error_location{source_, std::move(node), std::move(field)});
  }

  /// The value of a JSON integer that fits in int64; nlohmann keeps integers
  /// above int64's range as unsigned.
  static std::optional<std::int64_t> as_int64(const json& value) {
    if (value.is_number_unsigned()) {
      const auto unsigned_value = value.get<std::uint64_t>();
      if (unsigned_value > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        return std::nullopt;
      }
      return static_cast<std::int64_t>(unsigned_value);
    }
    if (value.is_number_integer())
      return value.get<std::int64_t>();
    return std::nullopt;
  }

  static std::string strip_nlohmann_prefix(std::string text) {
    // "[json.exception.parse_error.101] parse error at line 1, column 2: ..." -> "parse error ..."
    const std::size_t bracket = text.find("] ");
    return bracket == std::string::npos ? text : text.substr(bracket + 2);
  }

  const json& require(const json& object, const char* field, const std::string& node,
                      const std::string& prefix) const {
    const auto found = object.find(field);
    if (found == object.end()) {
      fail(graph_errc::missing_field, "required field is missing", node, prefix + field);
    }
    return *found;
  }

  void check_fields(const json& object, std::initializer_list<std::string_view> known,
                    const std::string& node, const std::string& prefix) const {
    for (const auto& [key, value] : object.items()) {
      if (key.starts_with("x-"))
        continue;
      if (std::find(known.begin(), known.end(), key) == known.end()) {
        fail(graph_errc::unknown_field, "unknown field (extensions start with \"x-\")", node,
             prefix + key);
      }
    }
  }

  void check_format(const json& document) const {
    const json& format = require(document, "format", "", "");
    if (!format.is_string() || format.get<std::string>() != json_format_name) {
      fail(graph_errc::bad_format,
           "expected \"" + std::string(json_format_name) + "\", got " + describe(format), "",
           "format");
    }
    const json& version = require(document, "version", "", "");
    if (!version.is_number_integer() || version.get<std::int64_t>() != json_format_version) {
      fail(graph_errc::bad_format,
           "expected version " + std::to_string(json_format_version) + ", got " + describe(version),
           "", "version");
    }
  }

  parsed_node read_node(const json& entry, std::size_t position) {
    const std::string anonymous = "#" + std::to_string(position);
    if (!entry.is_object()) {
      fail(graph_errc::wrong_type, "expected a node object, got " + describe(entry), anonymous, "");
    }
    parsed_node result;
    node& out = result.value;
    const auto id = entry.find("id");
    if (id == entry.end() || !id->is_string() || id->get<std::string>().empty()) {
      fail(graph_errc::missing_id,
           id == entry.end() ? "the node has no id"
                             : "expected a non-empty string, got " + describe(*id),
           anonymous, "id");
    }
    out.id = id->get<std::string>();
    const std::string& where = out.id;
    check_fields(entry, {"id", "op", "inputs", "attrs", "dtype", "shape", "outputs", "data"}, where,
                 "");

    const json& op = require(entry, "op", where, "");
    if (!op.is_string() || op.get<std::string>().empty()) {
      fail(graph_errc::wrong_type, "expected an operator name, got " + describe(op), where, "op");
    }
    out.op = op.get<std::string>();

    if (const auto inputs = entry.find("inputs"); inputs != entry.end()) {
      if (!inputs->is_array()) {
        fail(graph_errc::wrong_type, "expected an array of node ids, got " + describe(*inputs),
             where, "inputs");
      }
      for (std::size_t k = 0; k < inputs->size(); ++k) {
        const json& input = (*inputs)[k];
        if (input.is_null()) {
          result.input_ids.emplace_back();
        } else if (input.is_string() && !input.get<std::string>().empty()) {
          result.input_ids.push_back(input.get<std::string>());
        } else {
          fail(graph_errc::wrong_type, "expected a node id or null, got " + describe(input), where,
               "inputs[" + std::to_string(k) + "]");
        }
      }
    }

    if (const auto attrs = entry.find("attrs"); attrs != entry.end()) {
      if (!attrs->is_object()) {
        fail(graph_errc::wrong_type, "expected an object, got " + describe(*attrs), where, "attrs");
      }
      for (const auto& [key, value] : attrs->items()) {
        out.attrs.emplace(key, to_attribute(value, where, "attrs." + key, 0));
      }
    }

    const auto outputs = entry.find("outputs");
    const bool single = entry.contains("dtype") || entry.contains("shape");
    if (outputs != entry.end() && single) {
      fail(graph_errc::bad_structure, "give either dtype and shape, or outputs, not both", where,
           "outputs");
    }
    if (outputs != entry.end()) {
      if (!outputs->is_array() || outputs->empty()) {
        fail(graph_errc::wrong_type, "expected a non-empty array, got " + describe(*outputs), where,
             "outputs");
      }
      for (std::size_t k = 0; k < outputs->size(); ++k) {
        const std::string prefix = "outputs[" + std::to_string(k) + "].";
        const json& output = (*outputs)[k];
        if (!output.is_object()) {
          fail(graph_errc::wrong_type, "expected an object, got " + describe(output), where,
               "outputs[" + std::to_string(k) + "]");
        }
        check_fields(output, {"dtype", "shape"}, where, prefix);
        out.outputs.push_back(read_tensor_type(output, where, prefix));
      }
    } else {
      out.outputs.push_back(read_tensor_type(entry, where, ""));
    }

    if (const auto data = entry.find("data"); data != entry.end()) {
      out.data = read_data(*data, out, where);
    }
    if ((out.op == "input" || out.op == "const") && !result.input_ids.empty()) {
      fail(graph_errc::bad_structure, "an " + out.op + " node takes no inputs", where, "inputs");
    }
    return result;
  }

  tensor_type read_tensor_type(const json& object, const std::string& where,
                               const std::string& prefix) const {
    const json& type = require(object, "dtype", where, prefix);
    if (!type.is_string()) {
      fail(graph_errc::wrong_type, "expected a dtype name, got " + describe(type), where,
           prefix + "dtype");
    }
    const std::optional<dtype> element = dtype_from_name(type.get<std::string>());
    if (!element) {
      fail(graph_errc::unknown_dtype, "unknown dtype " + describe(type), where, prefix + "dtype");
    }
    const json& dims = require(object, "shape", where, prefix);
    if (!dims.is_array()) {
      fail(graph_errc::wrong_type, "expected an array of dimensions, got " + describe(dims), where,
           prefix + "shape");
    }
    std::vector<std::int64_t> values;
    values.reserve(dims.size());
    for (std::size_t i = 0; i < dims.size(); ++i) {
      const std::optional<std::int64_t> dim = as_int64(dims[i]);
      if (!dim || *dim < 0) {
        fail(graph_errc::bad_dimension,
             "expected a non-negative integer dimension, got " + describe(dims[i]), where,
             prefix + "shape[" + std::to_string(i) + "]");
      }
      values.push_back(*dim);
    }
    try {
      return tensor_type{*element, shape(std::move(values))};
    } catch (const shape_error& failure) {
      fail(graph_errc::bad_dimension, failure.message(), where, prefix + "shape");
    }
  }

  const_data read_data(const json& data, const node& out, const std::string& where) const {
    if (!data.is_array()) {
      fail(graph_errc::wrong_type, "expected an array of numbers, got " + describe(data), where,
           "data");
    }
    if (out.outputs.size() != 1) {
      fail(graph_errc::bad_structure, "only a single-output const carries data", where, "data");
    }
    const dtype type = out.outputs.front().type;
    auto element_field = [](std::size_t i) { return "data[" + std::to_string(i) + "]"; };
    if (is_floating_point(type)) {
      std::vector<double> values;
      values.reserve(data.size());
      for (std::size_t i = 0; i < data.size(); ++i) {
        if (!data[i].is_number()) {
          fail(graph_errc::bad_data, "expected a number, got " + describe(data[i]), where,
               element_field(i));
        }
        values.push_back(data[i].get<double>());
      }
      return values;
    }
    std::vector<std::int64_t> values;
    values.reserve(data.size());
    for (std::size_t i = 0; i < data.size(); ++i) {
      const json& value = data[i];
      const std::optional<std::int64_t> integer =
          type == dtype::bool_ && value.is_boolean() ? value.get<bool>() : as_int64(value);
      if (!integer) {
        fail(graph_errc::bad_data,
             "expected an integer for " + std::string(to_string(type)) + " data, got " +
                 describe(value),
             where, element_field(i));
      }
      values.push_back(*integer);
    }
    return values;
  }

  attribute to_attribute(const json& value, const std::string& where, const std::string& field,
                         std::size_t depth) const {
    switch (value.type()) {
      case json::value_t::null:
        return attribute(nullptr);
      case json::value_t::boolean:
        return attribute(value.get<bool>());
      case json::value_t::number_integer:
      case json::value_t::number_unsigned: {
        const std::optional<std::int64_t> integer = as_int64(value);
        if (!integer) {
          fail(graph_errc::bad_attribute, "integer " + value.dump() + " does not fit in int64",
               where, field);
        }
        return attribute(*integer);
      }
      case json::value_t::number_float:
        return attribute(value.get<double>());
      case json::value_t::string:
        return attribute(value.get<std::string>());
      case json::value_t::array: {
        if (depth >= max_attribute_depth) {
          fail(graph_errc::bad_attribute,
               "lists nested deeper than " + std::to_string(max_attribute_depth), where, field);
        }
        attribute::list items;
        items.reserve(value.size());
        for (std::size_t i = 0; i < value.size(); ++i) {
          items.push_back(
              to_attribute(value[i], where, field + "[" + std::to_string(i) + "]", depth + 1));
        }
        return attribute(std::move(items));
      }
      default:
        fail(graph_errc::bad_attribute,
             "expected a number, boolean, string, list or null, got " + describe(value), where,
             field);
    }
  }

  void check_attribute_schema(const node& out) const {
    for (const auto& [name, value] : out.attrs) {
      const std::optional<attribute_form> forms = expected_attribute_form(out.op, name);
      if (forms && !matches(value, *forms)) {
        fail(graph_errc::bad_attribute,
             out.op + " expects " + describe(*forms) + ", got " +
                 std::string(to_string(value.kind())),
             out.id, "attrs." + name);
      }
    }
  }

  void resolve_inputs(std::vector<parsed_node>& parsed,
                      const std::unordered_map<std::string, std::size_t>& position_of_id) const {
    for (parsed_node& entry : parsed) {
      entry.value.inputs.reserve(entry.input_ids.size());
      for (std::size_t k = 0; k < entry.input_ids.size(); ++k) {
        const std::string& input_id = entry.input_ids[k];
        if (input_id.empty()) {
          entry.value.inputs.push_back(no_node);
          continue;
        }
        const auto found = position_of_id.find(input_id);
        if (found == position_of_id.end()) {
          fail(graph_errc::dangling_reference, "input '" + input_id + "' names no node",
               entry.value.id, "inputs[" + std::to_string(k) + "]");
        }
        // Until nodes are ordered, an input holds its producer's file position.
        entry.value.inputs.push_back(static_cast<node_index>(found->second));
      }
    }
  }

  /// Kahn's algorithm taking the earliest file position first, so a document
  /// already in topological order keeps its order exactly.
  std::vector<std::size_t> topological_order(const std::vector<parsed_node>& parsed) const {
    const std::size_t count = parsed.size();
    std::vector<std::size_t> pending(count, 0);
    std::vector<std::vector<std::size_t>> users(count);
    for (std::size_t i = 0; i < count; ++i) {
      for (node_index input : parsed[i].value.inputs) {
        if (input == no_node)
          continue;
        ++pending[i];
        users[input].push_back(i);
      }
    }
    std::priority_queue<std::size_t, std::vector<std::size_t>, std::greater<>> ready;
    for (std::size_t i = 0; i < count; ++i) {
      if (pending[i] == 0)
        ready.push(i);
    }
    std::vector<std::size_t> order;
    order.reserve(count);
    while (!ready.empty()) {
      const std::size_t next = ready.top();
      ready.pop();
      order.push_back(next);
      for (std::size_t user : users[next]) {
        if (--pending[user] == 0)
          ready.push(user);
      }
    }
    if (order.size() != count)
      report_cycle(parsed, pending);
    return order;
  }

  /// Walks inputs among the nodes Kahn's algorithm could not order: each has
  /// an unordered input, so the walk must revisit a node, closing a cycle.
  [[noreturn]] void report_cycle(const std::vector<parsed_node>& parsed,
                                 const std::vector<std::size_t>& pending) const {
    std::size_t current = 0;
    while (pending[current] == 0)
      ++current;
    std::vector<std::size_t> step_of(parsed.size(), std::numeric_limits<std::size_t>::max());
    std::vector<std::size_t> path;
    while (step_of[current] == std::numeric_limits<std::size_t>::max()) {
      step_of[current] = path.size();
      path.push_back(current);
      for (node_index input : parsed[current].value.inputs) {
        if (input != no_node && pending[input] != 0) {
          current = input;
          break;
        }
      }
    }
    // path[step_of[current]..] is the cycle, walked from user to input; print it in data order.
    std::vector<std::size_t> cycle(path.begin() + static_cast<std::ptrdiff_t>(step_of[current]),
                                   path.end());
    std::reverse(cycle.begin(), cycle.end());
    // Start at the node earliest in the file, so the report does not depend on the walk.
    std::rotate(cycle.begin(), std::min_element(cycle.begin(), cycle.end()), cycle.end());
    std::string text = "cycle: ";
    for (std::size_t position : cycle)
      text += "'" + parsed[position].value.id + "' -> ";
    text += "'" + parsed[cycle.front()].value.id + "'";
    fail(graph_errc::cycle, text, parsed[cycle.front()].value.id, "inputs");
  }

  std::string source_;
};

inline json attribute_to_json(const attribute& value, const std::string& node,
                              const std::string& field) {
  switch (value.kind()) {
    case attribute_kind::null:
      return nullptr;
    case attribute_kind::boolean:
      return *value.as_bool();
    case attribute_kind::integer:
      return *value.as_int();
    case attribute_kind::number: {
      const double number = *value.as_double();
      if (!std::isfinite(number)) {
        throw graph_error(graph_errc::bad_attribute,
                          "the value " + std::to_string(number) + " has no JSON form",
                          error_location{"", node, field});
      }
      return number;
    }
    case attribute_kind::string:
      return *value.as_string();
    case attribute_kind::list: {
      json items = json::array();
      const attribute::list& list = *value.as_list();
      for (std::size_t i = 0; i < list.size(); ++i) {
        items.push_back(attribute_to_json(list[i], node, field + "[" + std::to_string(i) + "]"));
      }
      return items;
    }
  }
  return nullptr;
}

inline json tensor_type_to_json(const tensor_type& type) {
  json dims = json::array();
  for (std::int64_t dim : type.dims.dims())
    dims.push_back(dim);
  return json{{"dtype", std::string(to_string(type.type))}, {"shape", std::move(dims)}};
}

}  // namespace detail

/// Reads a graph-format.md document. Throws graph_error naming `source`, the
/// node and the field for every bad input the format lists; an operator name
/// qlower does not know is kept as it is. Nodes come back in a topological
/// order, the document's own order wherever that already is one.
inline plain_graph read_json(std::string_view text, std::string source = "<memory>") {
  return detail::reader(std::move(source)).read(text);
}

/// Reads the document in `path`; a file that cannot be read is a qlower::error.
inline plain_graph read_json_file(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file)
    throw error("cannot open the file", error_location{path.string(), "", ""});
  std::ostringstream text;
  text << file.rdbuf();
  if (file.bad())
    throw error("cannot read the file", error_location{path.string(), "", ""});
  return read_json(text.str(), path.string());
}

/// Writes `graph` as a graph-format.md document that read_json reads back to
/// an equal graph. Throws graph_error for a value JSON cannot carry (a NaN or
/// infinite attribute or datum, a string that is not UTF-8).
inline std::string write_json(const plain_graph& graph, int indent = 1) {
  using detail::json;
  json nodes = json::array();
  for (const node& entry : graph.nodes()) {
    json out = json::object();
    out["id"] = entry.id;
    out["op"] = entry.op;
    if (!entry.inputs.empty()) {
      json inputs = json::array();
      for (node_index input : entry.inputs) {
        inputs.push_back(input == no_node ? json(nullptr) : json(graph[input].id));
      }
      out["inputs"] = std::move(inputs);
    }
    if (!entry.attrs.empty()) {
      json attrs = json::object();
      for (const auto& [name, value] : entry.attrs) {
        attrs[name] = detail::attribute_to_json(value, entry.id, "attrs." + name);
      }
      out["attrs"] = std::move(attrs);
    }
    if (entry.outputs.size() == 1) {
      json single = detail::tensor_type_to_json(entry.outputs.front());
      out["dtype"] = std::move(single["dtype"]);
      out["shape"] = std::move(single["shape"]);
    } else {
      json outputs = json::array();
      for (const tensor_type& type : entry.outputs)
        outputs.push_back(detail::tensor_type_to_json(type));
      out["outputs"] = std::move(outputs);
    }
    if (const auto* integers = std::get_if<std::vector<std::int64_t>>(&entry.data)) {
      out["data"] = *integers;
    } else if (const auto* floats = std::get_if<std::vector<double>>(&entry.data)) {
      for (std::size_t i = 0; i < floats->size(); ++i) {
        const double value = (*floats)[i];
        if (!std::isfinite(value)) {
          throw graph_error(graph_errc::bad_data,
                            "the value " + std::to_string(value) + " has no JSON form",
                            error_location{"", entry.id, "data[" + std::to_string(i) + "]"});
        }
      }
      out["data"] = *floats;
    }
    nodes.push_back(std::move(out));
  }
  json outputs = json::array();
  for (node_index output : graph.graph_outputs())
    outputs.push_back(graph[output].id);

  json document = json::object();
  document["format"] = json_format_name;
  document["version"] = json_format_version;
  if (!graph.name().empty())
    document["name"] = graph.name();
  document["nodes"] = std::move(nodes);
  document["outputs"] = std::move(outputs);
  try {
    return document.dump(indent);
  } catch (const json::exception& failure) {
    throw graph_error(graph_errc::malformed_json,
                      std::string("cannot write the graph as JSON: ") + failure.what());
  }
}

}  // namespace qlower::graph::io
