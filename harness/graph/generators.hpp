// SPDX-License-Identifier: Apache-2.0
#pragma once

// RapidCheck generators of plain graphs: every dtype, multi-output nodes with
// getitems, absent optional inputs, attributes of every JSON kind, known ops
// with schema-correct attributes, unknown ops, constants with data.

#include <rapidcheck.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "qlower/core/dtype.hpp"
#include "qlower/core/shape.hpp"
#include "qlower/graph/attribute.hpp"
#include "qlower/graph/attribute_schema.hpp"
#include "qlower/graph/io/json.hpp"
#include "qlower/graph/plain_graph.hpp"

namespace qlower::graph {
/// RapidCheck prints a failing graph as its graph-format.md document.
inline void showValue(const plain_graph& g, std::ostream& os) {
  try {
    os << io::write_json(g, -1);
  } catch (const error& failure) {
    os << "<a graph JSON cannot carry: " << failure.what() << ">";
  }
}
}  // namespace qlower::graph

namespace qlower::harness {

using graph::attribute;
using graph::attribute_form;
using graph::node;
using graph::node_index;
using graph::plain_graph;

/// Strings that stress escaping: quotes, backslashes, control characters, non-ASCII.
inline rc::Gen<std::string> text() {
  static const std::vector<std::string> pieces{"a",
                                               "Z",
                                               "0",
                                               "_",
                                               ".",
                                               " ",
                                               "\"",
                                               "\\",
                                               "/",
                                               "\n",
                                               "\t",
                                               "\x01",
                                               "\xc3\xa9",
                                               "\xe2\x86\x92",
                                               "\xf0\x9f\x98\x80",
                                               "x-"};
  return rc::gen::map(rc::gen::container<std::vector<std::string>>(rc::gen::elementOf(pieces)),
                      [](const std::vector<std::string>& parts) {
                        std::string joined;
                        for (const std::string& part : parts)
                          joined += part;
                        return joined;
                      });
}

inline rc::Gen<double> finite_double() {
  return rc::gen::suchThat(rc::gen::arbitrary<double>(), [](double v) { return std::isfinite(v); });
}

/// Attribute values of every kind, lists nested up to `depth`.
inline rc::Gen<attribute> any_attribute(int depth = 3) {
  using pair = std::pair<std::size_t, rc::Gen<attribute>>;
  const pair null{1, rc::gen::just(attribute(nullptr))};
  const pair boolean{2,
                     rc::gen::map(rc::gen::arbitrary<bool>(), [](bool v) { return attribute(v); })};
  const pair integer{3, rc::gen::map(rc::gen::arbitrary<std::int64_t>(),
                                     [](std::int64_t v) { return attribute(v); })};
  const pair number{2, rc::gen::map(finite_double(), [](double v) { return attribute(v); })};
  const pair string{2, rc::gen::map(text(), [](std::string v) { return attribute(std::move(v)); })};
  if (depth <= 0)
    return rc::gen::weightedOneOf<attribute>({null, boolean, integer, number, string});
  const pair list{2,
                  rc::gen::map(rc::gen::container<std::vector<attribute>>(rc::gen::resize(
                                   6, rc::gen::lazy([depth] { return any_attribute(depth - 1); }))),
                               [](attribute::list items) { return attribute(std::move(items)); })};
  return rc::gen::weightedOneOf<attribute>({null, boolean, integer, number, string, list});
}

/// A value of one of the forms in `forms`, so that a schema check accepts it.
inline attribute attribute_of_form(attribute_form forms) {
  std::vector<attribute_form> options;
  for (attribute_form form :
       {attribute_form::null, attribute_form::boolean, attribute_form::integer,
        attribute_form::number, attribute_form::string, attribute_form::int_list,
        attribute_form::number_list}) {
    if (graph::allows(forms, form))
      options.push_back(form);
  }
  switch (*rc::gen::elementOf(options)) {
    case attribute_form::null:
      return attribute(nullptr);
    case attribute_form::boolean:
      return attribute(*rc::gen::arbitrary<bool>());
    case attribute_form::integer:
      return attribute(*rc::gen::inRange<std::int64_t>(-8, 8));
    case attribute_form::number:
      return attribute(*finite_double());
    case attribute_form::string:
      return attribute(*text());
    case attribute_form::int_list: {
      attribute::list items;
      for (std::int64_t v :
           *rc::gen::container<std::vector<std::int64_t>>(rc::gen::inRange<std::int64_t>(-4, 8))) {
        items.emplace_back(v);
      }
      return attribute(std::move(items));
    }
    case attribute_form::number_list: {
      attribute::list items;
      for (double v : *rc::gen::container<std::vector<double>>(finite_double()))
        items.emplace_back(v);
      return attribute(std::move(items));
    }
  }
  return attribute(nullptr);
}

inline graph::tensor_type any_tensor_type() {
  const dtype type = *rc::gen::elementOf(all_dtypes);
  const auto rank = *rc::gen::inRange(0, 5);
  std::vector<std::int64_t> dims;
  for (int i = 0; i < rank; ++i)
    dims.push_back(*rc::gen::inRange<std::int64_t>(0, 9));
  return {type, shape(std::move(dims))};
}

inline graph::const_data data_for(const graph::tensor_type& type) {
  const auto count = static_cast<std::size_t>(type.dims.element_count());
  if (is_floating_point(type.type)) {
    return *rc::gen::container<std::vector<double>>(count, finite_double());
  }
  const integer_range range = *range_of(type.type);
  return *rc::gen::container<std::vector<std::int64_t>>(
      count,
      rc::gen::oneOf(rc::gen::just(range.min), rc::gen::just(range.max),
                     rc::gen::inRange<std::int64_t>(std::max<std::int64_t>(range.min, -100),
                                                    std::min<std::int64_t>(range.max, 100))));
}

/// A valid plain graph of up to `max_nodes` nodes, built through add_node.
inline rc::Gen<plain_graph> any_graph(int max_nodes = 300) {
  return rc::gen::exec([max_nodes] {
    plain_graph g(*rc::gen::oneOf(rc::gen::just(std::string()), text()));
    // Full size for the count: RapidCheck would otherwise keep most graphs tiny.
    const int count = *rc::gen::resize(rc::kNominalSize, rc::gen::inRange(0, max_nodes + 1));
    std::vector<node_index> multi_output;
    for (int i = 0; i < count; ++i) {
      node n;
      n.id =
          "n" + std::to_string(i) + "|" + *text();  // "|" never occurs in text(): ids stay unique
      const int kind = *rc::gen::inRange(0, 10);
      if (i == 0 || kind == 0) {
        n.op = "input";
      } else if (kind == 1) {
        n.op = "const";
      } else if (kind == 2 && !multi_output.empty()) {
        const node_index source = *rc::gen::elementOf(multi_output);
        n.op = "getitem";
        n.inputs = {source};
        n.attrs.emplace("index", static_cast<std::int64_t>(
                                     *rc::gen::inRange<std::size_t>(0, g[source].outputs.size())));
      } else if (kind <= 6) {
        const auto& spec = *rc::gen::elementOf(graph::detail::known_attribute_specs);
        n.op = std::string(spec.op);
        if (n.op == "getitem")
          n.op = "aten.add.Tensor";
        for (const auto& other : graph::detail::known_attribute_specs) {
          if (other.op == n.op && *rc::gen::inRange(0, 4) != 0) {
            n.attrs.emplace(std::string(other.name), attribute_of_form(other.forms));
          }
        }
      } else {
        n.op = *rc::gen::elementOf(std::vector<std::string>{"custom.op.default", "aten.not_real.x",
                                                            "my_ns.fused_block.default"});
        const int attr_count = *rc::gen::inRange(0, 4);
        for (int a = 0; a < attr_count; ++a) {
          n.attrs.emplace("a" + std::to_string(a) + *text(), *any_attribute());
        }
      }
      if (n.op != "input" && n.op != "const" && n.op != "getitem") {
        const int input_count = *rc::gen::inRange(0, 5);
        for (int k = 0; k < input_count; ++k) {
          n.inputs.push_back(*rc::gen::inRange(0, 8) == 0
                                 ? graph::no_node
                                 : *rc::gen::inRange<node_index>(0, static_cast<node_index>(i)));
        }
      }
      const int output_count =
          n.op == "input" || n.op == "const" || n.op == "getitem" || *rc::gen::inRange(0, 5) != 0
              ? 1
              : *rc::gen::inRange(2, 4);
      for (int k = 0; k < output_count; ++k)
        n.outputs.push_back(any_tensor_type());
      if (n.op == "const" && n.outputs.front().dims.element_count() <= 64 &&
          *rc::gen::arbitrary<bool>()) {
        n.data = data_for(n.outputs.front());
      }
      const node_index added = g.add_node(std::move(n));
      if (output_count > 1)
        multi_output.push_back(added);
    }
    std::vector<node_index> outputs;
    if (count > 0) {
      outputs = *rc::gen::container<std::vector<node_index>>(
          rc::gen::inRange<node_index>(0, static_cast<node_index>(count)));
    }
    g.set_outputs(std::move(outputs));
    return g;
  });
}

}  // namespace qlower::harness
