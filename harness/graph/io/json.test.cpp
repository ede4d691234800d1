// SPDX-License-Identifier: Apache-2.0
#include "qlower/graph/io/json.hpp"

#include <rapidcheck/catch.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "harness/graph/generators.hpp"
#include "harness/shuffle.hpp"
#include "qlower/graph/concept.hpp"

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using qlower::graph_errc;
using qlower::graph::plain_graph;
using qlower::graph::io::read_json;
using qlower::graph::io::write_json;

const fs::path examples = QLOWER_EXAMPLES_DIR;

std::string slurp(const fs::path& path) {
  std::ifstream file(path);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

struct expected_error {
  graph_errc code;
  std::string node;
  std::string field;
  std::string message_part;  ///< a value the message must name; empty to skip
};

void require_error(const std::string& document, const expected_error& expected) {
  INFO(document);
  try {
    read_json(document, "doc.json");
    FAIL("read_json accepted the document");
  } catch (const qlower::graph_error& failure) {
    INFO(failure.what());
    CHECK(qlower::to_string(failure.code()) == qlower::to_string(expected.code));
    CHECK(failure.location().source == "doc.json");
    CHECK(failure.location().node == expected.node);
    CHECK(failure.location().field == expected.field);
    CHECK_THAT(failure.what(), Catch::Contains(expected.message_part));
    if (!expected.node.empty())
      CHECK_THAT(failure.what(), Catch::Contains("'" + expected.node + "'"));
    if (!expected.field.empty()) {
      CHECK_THAT(failure.what(), Catch::Contains("field '" + expected.field + "'"));
    }
  }
}

/// A document with the nodes given as JSON text.
std::string doc(const std::string& nodes, const std::string& outputs = "[]") {
  return R"({"format": "qlower-graph", "version": 1, "nodes": [)" + nodes + R"(], "outputs": )" +
         outputs + "}";
}
const std::string x = R"({"id": "x", "op": "input", "dtype": "float32", "shape": [2, 3]})";

TEST_CASE("every bundled example graph reads and keeps the concept's laws", "[graph][io][json]") {
  std::size_t count = 0;
  for (const auto& entry : fs::directory_iterator(examples / "graphs")) {
    if (entry.path().extension() != ".json")
      continue;
    CAPTURE(entry.path().string());
    const plain_graph g = qlower::graph::io::read_json_file(entry.path());
    CHECK(g.node_count() == json::parse(slurp(entry.path()))["nodes"].size());
    qlower::graph::check_graph_laws(g);
    ++count;
  }
  CHECK(count >= 3);
}

TEST_CASE("every invalid example fails with the expected class, node and field",
          "[graph][io][json]") {
  const json expectations = json::parse(slurp(examples / "invalid" / "expectations.json"));
  std::set<std::string> codes;
  std::size_t files = 0;
  for (const auto& entry : fs::directory_iterator(examples / "invalid")) {
    const std::string stem = entry.path().stem().string();
    if (stem == "expectations")
      continue;
    CAPTURE(stem);
    REQUIRE(expectations.contains(stem));
    const json& expected = expectations[stem];
    try {
      qlower::graph::io::read_json_file(entry.path());
      FAIL("accepted");
    } catch (const qlower::graph_error& failure) {
      INFO(failure.what());
      CHECK(qlower::to_string(failure.code()) == expected["code"].get<std::string>());
      CHECK(failure.location().source == entry.path().string());
      CHECK(failure.location().node == expected["node"].get<std::string>());
      CHECK(failure.location().field == expected["field"].get<std::string>());
      codes.insert(expected["code"].get<std::string>());
    }
    ++files;
  }
  CHECK(files + 1 == expectations.size());  // every expectation but x-comment has its file
  CHECK(codes.size() == 14);                // one example per graph_errc
}

TEST_CASE("each error class of graph-format.md names the node and field", "[graph][io][json]") {
  SECTION("malformed JSON") {
    require_error("{\"format\": ", {graph_errc::malformed_json, "", "", "byte"});
    require_error("[1, 2]", {graph_errc::malformed_json, "", "", "an array of 2"});
    require_error("\"\xff\"", {graph_errc::malformed_json, "", "", "byte"});
    // a number beyond double's range is nlohmann's out_of_range, not a parse_error (fuzzing)
    require_error(R"({"format": "qlower-graph", "version": 1, "nodes": [], "x-big": 1e400})",
                  {graph_errc::malformed_json, "", "", "number overflow parsing '1e400'"});
  }
  SECTION("wrong format or version") {
    require_error(R"({"format": "onnx", "version": 1, "nodes": [], "outputs": []})",
                  {graph_errc::bad_format, "", "format", "onnx"});
    require_error(R"({"format": "qlower-graph", "version": "1", "nodes": [], "outputs": []})",
                  {graph_errc::bad_format, "", "version", "\"1\""});
    require_error(R"({"format": "qlower-graph", "version": 1.0, "nodes": [], "outputs": []})",
                  {graph_errc::bad_format, "", "version", ""});
  }
  SECTION("missing or unknown fields") {
    require_error(R"({"format": "qlower-graph", "nodes": [], "outputs": []})",
                  {graph_errc::missing_field, "", "version", ""});
    require_error(R"({"format": "qlower-graph", "version": 1, "outputs": []})",
                  {graph_errc::missing_field, "", "nodes", ""});
    require_error(R"({"format": "qlower-graph", "version": 1, "nodes": []})",
                  {graph_errc::missing_field, "", "outputs", ""});
    require_error(
        R"({"format": "qlower-graph", "version": 1, "nodes": [], "outputs": [], "extra": 1})",
        {graph_errc::unknown_field, "", "extra", ""});
    require_error(doc(R"({"id": "x", "dtype": "int8", "shape": []})"),
                  {graph_errc::missing_field, "x", "op", ""});
    require_error(doc(R"({"id": "x", "op": "input", "shape": []})"),
                  {graph_errc::missing_field, "x", "dtype", ""});
    require_error(doc(R"({"id": "x", "op": "input", "dtype": "int8", "shape": [], "attr": {}})"),
                  {graph_errc::unknown_field, "x", "attr", ""});
    require_error(
        doc(R"({"id": "x", "op": "input", "outputs": [{"dtype": "int8", "shape": [], "layout": 1}]})"),
        {graph_errc::unknown_field, "x", "outputs[0].layout", ""});
  }
  SECTION("missing and duplicate ids") {
    require_error(doc(x + R"(, {"op": "input", "dtype": "int8", "shape": []})"),
                  {graph_errc::missing_id, "#1", "id", "no id"});
    require_error(doc(R"({"id": 5, "op": "input", "dtype": "int8", "shape": []})"),
                  {graph_errc::missing_id, "#0", "id", "5"});
    require_error(doc(R"({"id": "", "op": "input", "dtype": "int8", "shape": []})"),
                  {graph_errc::missing_id, "#0", "id", ""});
    require_error(doc(x + ", " + x), {graph_errc::duplicate_id, "x", "id", "node #0"});
  }
  SECTION("references to no node") {
    require_error(
        doc(x +
            R"(, {"id": "r", "op": "aten.relu.default", "inputs": [null, "ghost"], "dtype": "float32", "shape": [2, 3]})"),
        {graph_errc::dangling_reference, "r", "inputs[1]", "ghost"});
    require_error(doc(x, R"(["x", "nowhere"])"),
                  {graph_errc::dangling_reference, "", "outputs[1]", "nowhere"});
    require_error(doc(x, R"(["x", 3])"), {graph_errc::wrong_type, "", "outputs[1]", "3"});
  }
  SECTION("cycles, including a self-loop") {
    require_error(
        doc(R"({"id": "s", "op": "aten.relu.default", "inputs": ["s"], "dtype": "int8", "shape": []})"),
        {graph_errc::cycle, "s", "inputs", "'s' -> 's'"});
    require_error(
        doc(R"({"id": "b", "op": "aten.neg.default", "inputs": ["c"], "dtype": "int8", "shape": []},
                         {"id": "a", "op": "aten.abs.default", "inputs": ["b"], "dtype": "int8", "shape": []},
                         {"id": "c", "op": "aten.abs.default", "inputs": ["a"], "dtype": "int8", "shape": []})"),
        {graph_errc::cycle, "b", "inputs", "'b' -> 'a' -> 'c' -> 'b'"});
  }
  SECTION("unknown dtypes") {
    require_error(doc(R"({"id": "x", "op": "input", "dtype": "qint8", "shape": []})"),
                  {graph_errc::unknown_dtype, "x", "dtype", "qint8"});
    require_error(
        doc(R"({"id": "x", "op": "input", "outputs": [{"dtype": "int8", "shape": []}, {"dtype": 8, "shape": []}]})"),
        {graph_errc::wrong_type, "x", "outputs[1].dtype", "8"});
  }
  SECTION("negative, non-integer and too large dimensions") {
    require_error(doc(R"({"id": "x", "op": "input", "dtype": "int8", "shape": [1, -2]})"),
                  {graph_errc::bad_dimension, "x", "shape[1]", "-2"});
    require_error(doc(R"({"id": "x", "op": "input", "dtype": "int8", "shape": [1.5]})"),
                  {graph_errc::bad_dimension, "x", "shape[0]", "1.5"});
    require_error(doc(R"({"id": "x", "op": "input", "dtype": "int8", "shape": ["4"]})"),
                  {graph_errc::bad_dimension, "x", "shape[0]", "\"4\""});
    require_error(
        doc(R"({"id": "x", "op": "input", "dtype": "int8", "shape": [18446744073709551615]})"),
        {graph_errc::bad_dimension, "x", "shape[0]", "18446744073709551615"});
    require_error(
        doc(R"({"id": "x", "op": "input", "dtype": "int8", "shape": [4294967296, 4294967296]})"),
        {graph_errc::bad_dimension, "x", "shape", "overflows int64"});
  }
  SECTION("attributes of the wrong JSON type for their operator") {
    require_error(
        doc(x +
            R"(, {"id": "p", "op": "aten.permute_copy.default", "inputs": ["x"], "attrs": {"dims": [1, 0.5]}, "dtype": "float32", "shape": [3, 2]})"),
        {graph_errc::bad_attribute, "p", "attrs.dims", "int[]"});
    require_error(
        doc(x +
            R"(, {"id": "m", "op": "aten.moveaxis.int", "inputs": ["x"], "attrs": {"source": [1], "destination": 0}, "dtype": "float32", "shape": [3, 2]})"),
        {graph_errc::bad_attribute, "m", "attrs.source", "got list"});
    require_error(
        doc(x +
            R"(, {"id": "c", "op": "aten.concat.default", "inputs": ["x", "x"], "attrs": {"dim": "1"}, "dtype": "float32", "shape": [4, 3]})"),
        {graph_errc::bad_attribute, "c", "attrs.dim", "got string"});
    require_error(
        doc(R"({"id": "u", "op": "vendor.op", "attrs": {"nested": {"a": 1}}, "dtype": "int8", "shape": []})"),
        {graph_errc::bad_attribute, "u", "attrs.nested", "an object"});
    require_error(
        doc(R"({"id": "u", "op": "vendor.op", "attrs": {"big": 9223372036854775808}, "dtype": "int8", "shape": []})"),
        {graph_errc::bad_attribute, "u", "attrs.big", "9223372036854775808"});
    std::string deep = "1";
    std::string deepest_field = "attrs.deep";
    for (int i = 0; i < 40; ++i)
      deep = "[" + deep + "]";
    for (std::size_t i = 0; i < qlower::graph::io::max_attribute_depth; ++i)
      deepest_field += "[0]";
    require_error(doc(R"({"id": "u", "op": "vendor.op", "attrs": {"deep": )" + deep +
                      R"(}, "dtype": "int8", "shape": []})"),
                  {graph_errc::bad_attribute, "u", deepest_field, "nested deeper than 32"});
  }
  SECTION("constant data") {
    require_error(
        doc(R"({"id": "w", "op": "const", "dtype": "int8", "shape": [3], "data": [1, 2]})"),
        {graph_errc::bad_data, "w", "data", "2 values for shape [3]"});
    require_error(
        doc(R"({"id": "w", "op": "const", "dtype": "uint8", "shape": [2], "data": [0, -1]})"),
        {graph_errc::bad_data, "w", "data[1]", "-1"});
    require_error(
        doc(R"({"id": "w", "op": "const", "dtype": "int32", "shape": [1], "data": [0.5]})"),
        {graph_errc::bad_data, "w", "data[0]", "0.5"});
    require_error(
        doc(R"({"id": "w", "op": "const", "dtype": "float32", "shape": [1], "data": ["0.5"]})"),
        {graph_errc::bad_data, "w", "data[0]", "\"0.5\""});
    require_error(
        doc(x +
            R"(, {"id": "r", "op": "aten.relu.default", "inputs": ["x"], "dtype": "int8", "shape": [1], "data": [1]})"),
        {graph_errc::bad_structure, "r", "data", "const"});
  }
  SECTION("structure") {
    require_error(
        doc(x + R"(, {"id": "y", "op": "input", "inputs": ["x"], "dtype": "int8", "shape": []})"),
        {graph_errc::bad_structure, "y", "inputs", "takes no inputs"});
    require_error(
        doc(R"({"id": "x", "op": "input", "dtype": "int8", "shape": [], "outputs": [{"dtype": "int8", "shape": []}]})"),
        {graph_errc::bad_structure, "x", "outputs", "not both"});
    require_error(doc(R"({"id": "x", "op": "input", "outputs": []})"),
                  {graph_errc::wrong_type, "x", "outputs", "an array of 0"});
    require_error(
        doc(x +
            R"(, {"id": "g", "op": "getitem", "inputs": ["x"], "attrs": {"index": 1}, "dtype": "float32", "shape": [2, 3]})"),
        {graph_errc::bad_structure, "g", "attrs.index",
         "index 1 out of range for 'x' with 1 outputs"});
    require_error(
        doc(x +
            R"(, {"id": "g", "op": "getitem", "inputs": ["x", "x"], "attrs": {"index": 0}, "dtype": "float32", "shape": [2, 3]})"),
        {graph_errc::bad_structure, "g", "inputs", "exactly one input"});
  }
}

TEST_CASE("unknown operators are kept and x- extensions ignored", "[graph][io][json]") {
  const plain_graph g = read_json(doc(
      x + R"(, {"id": "v", "op": "vendor.mystery.default", "inputs": ["x"], "x-note": {"any": [1]},
               "attrs": {"dims": "whatever"}, "dtype": "float32", "shape": [2, 3]})",
      R"(["v"])"));
  REQUIRE(g.node_count() == 2);
  CHECK(g.op_name(1) == "vendor.mystery.default");
  CHECK(*g.attribute_of(1, "dims")->as_string() == "whatever");
  CHECK(g.graph_outputs()[0] == 1);
}

TEST_CASE("nodes are read into a topological order, stable where the file has one",
          "[graph][io][json]") {
  const plain_graph g = read_json(doc(
      R"({"id": "r", "op": "aten.relu.default", "inputs": ["x"], "dtype": "float32", "shape": [2, 3]},
         {"id": "k", "op": "const", "dtype": "float32", "shape": []}, )" +
          x,
      R"(["r"])"));
  std::vector<std::string> order;
  for (const auto& n : g.nodes())
    order.push_back(n.id);
  CHECK(order == std::vector<std::string>{"k", "x", "r"});
  CHECK(g.graph_outputs()[0] == 2);
}

TEST_CASE("the writer refuses values JSON cannot carry", "[graph][io][json]") {
  plain_graph g;
  qlower::graph::node n{"w", "const", {}, {}, {{qlower::dtype::float32, qlower::shape{1}}}, {}};
  n.data = std::vector<double>{std::numeric_limits<double>::quiet_NaN()};
  g.add_node(n);
  CHECK_THROWS_AS(write_json(g), qlower::graph_error);

  plain_graph h;
  n.data = {};
  n.attrs["alpha"] = std::numeric_limits<double>::infinity();
  h.add_node(n);
  CHECK_THROWS_WITH(write_json(h), Catch::Contains("attrs.alpha"));
}

//===--- Properties ---===//

/// The node ids and, per id, the ids of its inputs: the graph up to node order.
std::vector<std::pair<std::string, std::vector<std::string>>> by_id(const plain_graph& g) {
  std::vector<std::pair<std::string, std::vector<std::string>>> result;
  for (const auto& n : g.nodes()) {
    std::vector<std::string> inputs;
    for (auto input : n.inputs)
      inputs.push_back(input == qlower::graph::no_node ? "" : g[input].id);
    result.emplace_back(n.id, inputs);
  }
  std::sort(result.begin(), result.end());
  return result;
}

TEST_CASE("write then read gives the same graph", "[graph][io][json][property]") {
  rc::prop("read_json(write_json(g)) == g", [] {
    const plain_graph g = *qlower::harness::any_graph();
    RC_TAG(g.node_count() / 100 * 100);
    const std::string text = write_json(g, *rc::gen::element(-1, 1));
    RC_ASSERT(read_json(text) == g);
  });
}

TEST_CASE("node order in the file does not change the graph", "[graph][io][json][property]") {
  rc::prop("a shuffled document reads to the same nodes and edges", [] {
    const plain_graph g = *qlower::harness::any_graph(80);
    json document = json::parse(write_json(g));
    auto& nodes = document["nodes"];
    nodes = qlower::harness::shuffled(std::vector<json>(nodes.begin(), nodes.end()));
    const plain_graph h = read_json(document.dump());
    RC_ASSERT(by_id(h) == by_id(g));
    qlower::graph::check_graph_laws(h);
    for (std::size_t i = 0; i < g.graph_outputs().size(); ++i) {
      RC_ASSERT(h[h.graph_outputs()[i]].id == g[g.graph_outputs()[i]].id);
    }
  });
}

/// One random edit of a parsed document: a field dropped, replaced by a value of
/// another kind, an id or reference redirected, an unknown field added.
void mutate(json& document) {
  std::vector<json*> objects;
  std::vector<json*> everything;
  std::vector<json*> stack{&document};
  while (!stack.empty()) {
    json* value = stack.back();
    stack.pop_back();
    if (value != &document)
      everything.push_back(value);  // the root stays an object
    if (value->is_object())
      objects.push_back(value);
    if (value->is_structured()) {
      for (auto& child : *value)
        stack.push_back(&child);
    }
  }
  const std::vector<json> replacements{nullptr,
                                       true,
                                       -1,
                                       0,
                                       1,
                                       2,
                                       3.5,
                                       1e300,
                                       "x",
                                       "n1",
                                       "",
                                       "int8",
                                       "aten.cat.default",
                                       "getitem",
                                       "const",
                                       "input",
                                       json::array(),
                                       json::array({0, 1}),
                                       json::object(),
                                       json::array({"n0", nullptr}),
                                       -9223372036854775807LL,
                                       18446744073709551615ULL};
  switch (*rc::gen::inRange(0, 4)) {
    case 0: {  // drop a field
      json* object = *rc::gen::elementOf(objects);
      if (object->empty())
        return;
      std::vector<std::string> keys;
      for (const auto& [key, value] : object->items())
        keys.push_back(key);
      object->erase(*rc::gen::elementOf(keys));
      return;
    }
    case 1:  // replace any value
      if (everything.empty())
        return;
      **rc::gen::elementOf(everything) = *rc::gen::elementOf(replacements);
      return;
    case 2: {  // add a field, known, extension or unknown
      json* object = *rc::gen::elementOf(objects);
      const std::string key = *rc::gen::element<std::string>(
          "x-note", "inputs", "outputs", "data", "dtype", "shape", "attrs", "id", "bogus");
      (*object)[key] = *rc::gen::elementOf(replacements);
      return;
    }
    default: {  // point an input at another node, possibly making a cycle
      if (!document.contains("nodes"))
        return;
      auto& nodes = document["nodes"];
      if (!nodes.is_array() || nodes.size() < 2)
        return;
      json& entry = nodes[*rc::gen::inRange<std::size_t>(0, nodes.size())];
      const json& other = nodes[*rc::gen::inRange<std::size_t>(0, nodes.size())];
      if (entry.is_object() && other.is_object() && other.contains("id")) {
        entry["inputs"] = json::array({other["id"]});
      }
    }
  }
}

TEST_CASE("a mutated document reads to a graph or a typed error", "[graph][io][json][property]") {
  rc::prop("structured mutations never crash and never lose a node", [] {
    const plain_graph g = *qlower::harness::any_graph(40);
    json document = json::parse(write_json(g));
    const int edits = *rc::gen::inRange(1, 4);
    for (int i = 0; i < edits; ++i)
      mutate(document);
    try {
      const plain_graph h = read_json(document.dump());
      qlower::graph::check_graph_laws(h);
      RC_ASSERT(h.node_count() == document.at("nodes").size());
    } catch (const qlower::error&) {
      RC_SUCCEED("rejected with a typed error");
    }
  });
  rc::prop("byte-level damage never crashes", [] {
    const plain_graph g = *qlower::harness::any_graph(20);
    std::string text = write_json(g, -1);
    const int edits = *rc::gen::inRange(1, 4);
    for (int i = 0; i < edits && !text.empty(); ++i) {
      const auto at = *rc::gen::inRange<std::size_t>(0, text.size());
      switch (*rc::gen::inRange(0, 3)) {
        case 0:
          text.resize(at);
          break;
        case 1:
          text[at] = *rc::gen::arbitrary<char>();
          break;
        default:
          text.insert(at, 1, *rc::gen::element('{', '}', '[', ']', ',', '"', ':', '-'));
      }
    }
    try {
      const plain_graph h = read_json(text);
      qlower::graph::check_graph_laws(h);
    } catch (const qlower::error&) {
      RC_SUCCEED("rejected with a typed error");
    }
  });
}

}  // namespace
