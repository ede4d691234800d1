// SPDX-License-Identifier: Apache-2.0
// The whole pipeline on fuzzed graphs: read, then pipeline::lower_for the
// Ethos-U55 and U85 (canonicalize, fuse_batch_norm, decompose_for_annotation,
// annotate, convert, decompose, the Arm partitioner), as `qlower partition`
// runs it, each stage's graph checked; and the Vulkan path: partition with the Vulkan node checks,
// remove_redundant and tag_layouts per delegate, apply_layout_plan.
//
// An input whose first byte is '{' or JSON whitespace is a graph document;
// any other input drives graph_builder.hpp, which reaches the passes with
// graphs that mutations of a document would mostly break before they read.
//
// Invariants: reading gives a graph or a qlower::error (decompose may also
// reject a composite's attributes with one); no other pass throws on a graph
// that read. canonicalize, fuse_batch_norm and decompose_for_annotation keep
// the graph outputs' dtypes and shapes. No later pass drops or duplicates a
// node (convert only adds
// quantize/dequantize nodes, decompose keeps the nodes in order, apply_layout_
// plan adds exactly one clone per transition); remove_redundant removes only
// delegated copies and dead nodes, never a graph input, and changes nothing it
// keeps. Every node is delegated exactly when it has no reason; partitions
// are convex (and, before Arm's post-processing, acyclic between each other);
// every tagged Vulkan op reads and writes representations it accepts.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/byte_reader.hpp"
#include "fuzz/check.hpp"
#include "fuzz/passes/graph_builder.hpp"
#include "fuzz/passes/invariants.hpp"
#include "qlower/graph/io/json.hpp"
#include "qlower/graph/plain_graph.hpp"
#include "qlower/ops/op_table.hpp"
#include "qlower/passes/convert.hpp"
#include "qlower/passes/partition.hpp"
#include "qlower/passes/remove_redundant.hpp"
#include "qlower/passes/tag_layouts.hpp"
#include "qlower/pipeline/lower.hpp"
#include "qlower/targets/ethos_u55.hpp"
#include "qlower/targets/rejection.hpp"
#include "qlower/targets/vulkan.hpp"
#include "qlower/traits/quantizer.hpp"
#include "qlower/traits/stranded.hpp"

namespace {

using namespace qlower;
using graph::node_index;
using graph::plain_graph;
using qlower::fuzz::check_keeps_every_node;
using qlower::fuzz::check_laws;
using qlower::fuzz::check_partition;
using qlower::fuzz::must_succeed;

/// pipeline::lower_for `Target` with `Policy`, every stage checked; the
/// lowered graph, or nothing when decompose rejected a composite's
/// attributes (the one typed error a stage may raise on a graph that read).
template <class Target, class Policy>
std::optional<plain_graph> run_ethos(const plain_graph& g) {
  const traits::rule_set rules = traits::rule_set_of<Policy, Target>();
  fuzz::stage_checks checks(g);
  pipeline::lowering lowered;
  if (!fuzz::typed_error_or_success("lower_for", [&] {
        lowered = pipeline::lower_for<Target>(g, rules, checks.observer());
      })) {
    QLOWER_FUZZ_CHECK(
        checks.running() == "decompose",
        std::string(checks.running()) + " threw a qlower::error on a graph that read");
    return std::nullopt;
  }
  check_partition("lower_for's partition", lowered.graph, lowered.plan, false);
  return std::move(lowered.graph);
}

//===--- Vulkan ---===//

/// What node n reads at input position i after the plan's redirections: a
/// transition, its producer's own representation in the same delegate, or the
/// representation the delegate gave it as a boundary value.
template <class Target>
std::optional<repset::tensor_repr> read_repr(const plain_graph& g, const passes::layout_plan& plan,
                                             const std::vector<std::uint32_t>& scope, node_index n,
                                             std::size_t i) {
  for (const passes::redirected_use& use : plan.uses) {
    if (use.user == n && use.input == i)
      return plan.transitions[use.transition].repr;
  }
  const node_index value = g.inputs(n)[i];
  if (scope[value] == scope[n] && scope[value] != passes::not_delegated &&
      targets::vulkan_features<Target>(ops::find_op(g.op_name(value))) != nullptr)
    return plan.repr_of(value);
  for (const passes::boundary_value& entry : plan.boundary) {
    if (entry.source == value && entry.partition == scope[n])
      return entry.repr;
  }
  return std::nullopt;
}

/// Every op node of a delegate that tag_layouts tags has a representation
/// its registration accepts for its output and reads one its registration
/// accepts at each input. Getitems take their source's representation of
/// the output they select (or none, for a source outside the delegate), so
/// they and the later outputs of multi-output ops are left out.
template <class Target>
void check_layouts_accepted(const plain_graph& g, const passes::layout_plan& plan,
                            const std::vector<std::uint32_t>& scope) {
  for (node_index n = 0; n < g.node_count(); ++n) {
    if (g[n].op == "getitem")
      continue;
    const targets::op_features* features =
        targets::vulkan_features<Target>(ops::find_op(g.op_name(n)));
    const std::size_t args = features == nullptr    ? 0
                             : features->list_input ? 1
                                                    : g.inputs(n).size();
    const bool tagged = scope[n] != passes::not_delegated && g[n].op != "const" &&
                        features != nullptr && args <= repset::repset_list::capacity &&
                        g.output_count(n) <= repset::repset_list::capacity;
    if (!tagged) {
      QLOWER_FUZZ_CHECK(!plan.repr_of(n), "tag_layouts tagged '" + g[n].id +
                                              "', which is no registered op of a delegate");
      continue;
    }
    const repset::op_repsets repsets =
        targets::make_op_repsets(g, n, *features, Target::texture_limits);
    const auto own = plan.repr_of(n);
    QLOWER_FUZZ_CHECK(own, "tag_layouts left delegated op '" + g[n].id + "' untagged");
    QLOWER_FUZZ_CHECK(repsets.output(0).is_compatible(*own),
                      "'" + g[n].id + "' (" + g[n].op + ") writes " + own->to_string() +
                          ", which its registration does not allow");
    const auto inputs = g.inputs(n);
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      if (inputs[i] == graph::no_node || g[inputs[i]].op == "const" ||
          g.output_count(inputs[i]) != 1 ||
          (g[inputs[i]].op == "getitem" && !plan.repr_of(inputs[i])))
        continue;
      const auto read = read_repr<Target>(g, plan, scope, n, i);
      QLOWER_FUZZ_CHECK(read, "'" + g[n].id + "' reads input " + std::to_string(i) + " ('" +
                                  g[inputs[i]].id + "') in no representation");
      QLOWER_FUZZ_CHECK(repsets.arg(features->list_input ? 0 : i).is_compatible(*read),
                        "'" + g[n].id + "' (" + g[n].op + ") reads input " + std::to_string(i) +
                            " ('" + g[inputs[i]].id + "') as " + read->to_string() +
                            ", which its registration does not accept");
    }
  }
}

/// The Vulkan path of `qlower partition --target vulkan` (or --as-delegate).
template <class Target>
void run_vulkan(const plain_graph& g, bool as_delegate) {
  const passes::partition_plan plan = must_succeed("partition (vulkan)", [&] {
    return as_delegate ? passes::partition(
                             g,
                             [](const plain_graph& graph, node_index n) {
                               return graph.op_name(n) == "input" || graph.op_name(n) == "const"
                                          ? targets::support_result(targets::rejection{
                                                targets::reason::graph_input, "an input"})
                                          : std::nullopt;
                             })
                       : passes::partition(g, [](const plain_graph& graph, node_index n) {
                           return Target::check(graph, n);
                         });
  });
  check_partition("partition (vulkan)", g, plan, true);

  // remove_redundant on the delegated nodes, as the tool runs it
  const passes::redundant_plan redundant = must_succeed("plan_remove_redundant", [&] {
    return passes::plan_remove_redundant(g, [&](node_index n) { return plan.delegated(n); });
  });
  const plain_graph kept = must_succeed(
      "apply_remove_redundant", [&] { return passes::apply_remove_redundant(g, redundant); });
  check_laws("remove_redundant's graph obeys the graph laws", kept);
  std::vector<std::uint32_t> scope;
  std::size_t position = 0;
  for (node_index n = 0; n < g.node_count(); ++n) {
    if (redundant.removed(n)) {
      QLOWER_FUZZ_CHECK(plan.delegated(n) && g[n].op != "input",
                        "remove_redundant removed '" + g[n].id + "' (" + g[n].op +
                            "), a graph input or a node outside every delegate");
      QLOWER_FUZZ_CHECK(!kept.find(g[n].id), "remove_redundant kept a removed node");
      continue;
    }
    QLOWER_FUZZ_CHECK(position < kept.node_count() && kept[position].id == g[n].id &&
                          kept[position].op == g[n].op && kept[position].attrs == g[n].attrs &&
                          kept[position].outputs == g[n].outputs,
                      "remove_redundant changed or reordered kept node '" + g[n].id + "'");
    ++position;
    scope.push_back(plan.delegated(n) ? plan.partition_of(n) : passes::not_delegated);
  }
  QLOWER_FUZZ_CHECK(position == kept.node_count(), "remove_redundant added nodes");

  const passes::layout_plan layouts = must_succeed("tag_layouts", [&] {
    return passes::tag_layouts<Target>(kept, [&](node_index n) { return scope[n]; });
  });
  if (!as_delegate)
    check_layouts_accepted<Target>(kept, layouts, scope);
  const plain_graph applied =
      must_succeed("apply_layout_plan", [&] { return passes::apply_layout_plan(kept, layouts); });
  check_laws("apply_layout_plan's graph obeys the graph laws", applied);
  QLOWER_FUZZ_CHECK(applied.node_count() == kept.node_count() + layouts.transitions.size(),
                    "apply_layout_plan: " + std::to_string(applied.node_count()) + " nodes for " +
                        std::to_string(kept.node_count()) + " and " +
                        std::to_string(layouts.transitions.size()) + " transitions");
  check_keeps_every_node("apply_layout_plan", kept, applied,
                         [](const graph::node& n) { return n.op == "aten.clone.default"; });
}

bool is_json(const std::uint8_t* data, std::size_t size) {
  return size > 0 && (data[0] == '{' || data[0] == ' ' || data[0] == '\n' || data[0] == '\r' ||
                      data[0] == '\t');
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  plain_graph g;
  if (is_json(data, size)) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    if (!fuzz::typed_error_or_success("read_json",
                                      [&] { g = graph::io::read_json(text, "<fuzz>"); }))
      return 0;
  } else {
    fuzz::byte_reader in(data, size);
    const plain_graph built = fuzz::build_graph(in);
    // Through the document, so the passes see only what the reader lets in
    // (attribute schemas, const data); the writer must write what it built.
    const std::string text =
        must_succeed("write_json of a built graph", [&] { return graph::io::write_json(built); });
    if (!fuzz::typed_error_or_success("read_json of a built graph",
                                      [&] { g = graph::io::read_json(text, "<built>"); }))
      return 0;
    QLOWER_FUZZ_CHECK(g == built, "a built graph reads back as another graph:\n" + text);
  }
  check_laws("read_json's graph obeys the graph laws", g);
  // QLOWER_FUZZ_DUMP=1 prints the graph the passes get: a built one has no file of its own
  static const bool dump = std::getenv("QLOWER_FUZZ_DUMP") != nullptr;
  if (dump)
    std::fprintf(stderr, "%s\n", graph::io::write_json(g).c_str());

  if (const auto lowered = run_ethos<targets::ethos_u55, traits::arm_quantizer>(g))
    run_vulkan<targets::vulkan>(*lowered, false);
  run_ethos<targets::ethos_u85, traits::arm_quantizer>(g);
  run_ethos<targets::ethos_u55, traits::arm_quantizer_v2>(g);
  run_ethos<targets::ethos_u85, traits::arm_quantizer_v2>(g);
  run_ethos<targets::ethos_u55, traits::arm_quantizer_a16w8>(g);
  run_vulkan<targets::vulkan>(g, false);
  run_vulkan<targets::vulkan_without_layout_agnostic>(g, false);
  run_vulkan<targets::vulkan>(g, true);
  return 0;
}
