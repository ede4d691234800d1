// SPDX-License-Identifier: Apache-2.0
#include "partition_command.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "dot.hpp"
#include "qlower/core/error.hpp"
#include "qlower/graph/io/json.hpp"
#include "qlower/passes/partition.hpp"
#include "qlower/passes/remove_redundant.hpp"
#include "qlower/passes/tag_layouts.hpp"
#include "qlower/pipeline/lower.hpp"
#include "qlower/targets/allow_list.hpp"
#include "qlower/targets/ethos_u55.hpp"
#include "qlower/targets/vulkan.hpp"
#include "qlower/traits/rule_file.hpp"
#include "qlower/traits/stranded.hpp"

namespace qlower::tool {
namespace {

using nlohmann::json;

template <class Target>
partition_result partition_for_vulkan(const partition_options& options,
                                      const graph::plain_graph& input, progress& report) {
  const pipeline::stage_observer on_stage{
      .started = [&](std::string_view stage) { report.stage(std::string(stage)); }, .finished = {}};
  pipeline::lowering lowered =
      pipeline::lower_for<Target>(input, on_stage, {.as_delegate = options.as_delegate});
  std::string how =
      options.as_delegate ? "vulkan, the whole graph as one delegate" : std::string("vulkan");
  if (options.no_layout_agnostic)
    how += ", no op layout-agnostic (ExecuTorch before PR 19395)";
  return {std::move(lowered.graph), std::move(lowered.plan), std::move(how),
          std::move(lowered.layouts), std::move(lowered.notes)};
}

graph::plain_graph read_graph(const std::string& file, progress& report) {
  std::error_code ignored;
  const std::uintmax_t bytes = std::filesystem::file_size(file, ignored);
  if (!ignored)
    report.file_size(bytes);
  report.stage("reading " + file);
  graph::plain_graph g = graph::io::read_json_file(file);
  report.node_count(g.node_count());
  return g;
}

}  // namespace

partition_result partition_graph(const partition_options& options, progress& report) {
  if (options.target == "vulkan") {
    if (!options.rules_file.empty() || !options.allow_file.empty() || !options.quantizer.empty())
      throw config_error(
          "--rules, --allow and --quantizer apply to the Ethos-U targets, not to vulkan");
    const graph::plain_graph input = read_graph(options.file, report);
    return options.no_layout_agnostic
               ? partition_for_vulkan<targets::vulkan_without_layout_agnostic>(options, input,
                                                                               report)
               : partition_for_vulkan<targets::vulkan>(options, input, report);
  }
  if (!options.quantizer.empty() && options.quantizer != "v1" && options.quantizer != "v2")
    throw config_error("--quantizer: expected v1 or v2, got '" + options.quantizer + "'");
  if (!options.quantizer.empty() && (!options.rules_file.empty() || !options.allow_file.empty()))
    throw config_error(
        "--quantizer picks a built-in quantizer; a --rules file names its own "
        "policy, and --allow runs none");
  if (options.as_delegate || options.no_layout_agnostic)
    throw config_error("--as-delegate and --no-layout-agnostic apply to --target vulkan only");
  std::optional<targets::allow_list> allowed;
  std::optional<traits::rule_set> rules;
  // the small files first: a typo in a rule file should not wait for a large graph
  if (!options.allow_file.empty())
    allowed = targets::read_allow_list_file(options.allow_file);
  else if (!options.rules_file.empty())
    rules = traits::read_rules_file(options.rules_file);
  const graph::plain_graph input = read_graph(options.file, report);
  if (allowed) {
    report.stage("partitioning against the allow list");
    passes::partition_plan plan = passes::partition(input, *allowed);
    return {input,
            std::move(plan),
            "the allow list " + options.allow_file + ", no quantization",
            std::nullopt,
            {}};
  }
  const bool v1 = options.quantizer == "v1";
  if (!rules) {
    rules = v1 ? traits::rule_set_of<traits::arm_quantizer, targets::ethos_u55>()
               : traits::rule_set_of<traits::arm_quantizer_v2, targets::ethos_u55>();
  }
  const pipeline::stage_observer on_stage{
      .started = [&](std::string_view stage) { report.stage(std::string(stage)); }, .finished = {}};
  pipeline::lowering lowered =
      options.target == "ethos-u85"
          ? pipeline::lower_for<targets::ethos_u85>(input, *rules, on_stage)
          : pipeline::lower_for<targets::ethos_u55>(input, *rules, on_stage);
  const std::string quantizer_name =
      !options.rules_file.empty() ? "the rules of " + options.rules_file
      : v1                        ? std::string("the built-in arm_quantizer (V1)")
           : std::string("the built-in arm_quantizer_v2 (V2, ExecuTorch's default)");
  return {std::move(lowered.graph), std::move(lowered.plan),
          options.target + ", quantized by " + quantizer_name, std::nullopt,
          std::move(lowered.notes)};
}

namespace {

bool is_input_or_constant(const passes::partition_plan& plan, graph::node_index n) {
  const targets::rejection* why = plan.reason(n);
  return why != nullptr && why->code == targets::reason::graph_input;
}

struct op_counts {
  std::size_t delegated = 0;
  std::size_t host = 0;
};

json layouts_json(const pipeline::layout_assignment& layouts) {
  const graph::plain_graph& g = layouts.delegates;
  const passes::layout_plan& plan = layouts.plan;
  auto repr_json = [](repset::tensor_repr repr) {
    return json{{"storage", std::string(repset::to_string(repr.storage))},
                {"layout", std::string(repset::to_string(repr.layout))}};
  };
  json values = json::array();
  for (graph::node_index n = 0; n < g.node_count(); ++n) {
    if (const auto repr = plan.repr_of(n)) {
      json value = repr_json(*repr);
      value["id"] = g[n].id;
      value["delegate"] = layouts.partition_of[n];
      values.push_back(std::move(value));
    }
  }
  json inputs = json::array();
  for (const passes::boundary_value& entry : plan.boundary) {
    json value = repr_json(entry.repr);
    value["id"] = g[entry.source].id;
    value["delegate"] = entry.partition;
    inputs.push_back(std::move(value));
  }
  json transitions = json::array();
  for (std::uint32_t t = 0; t < plan.transitions.size(); ++t) {
    const passes::layout_transition& transition = plan.transitions[t];
    json users = json::array();
    for (const passes::redirected_use& use : plan.uses) {
      if (use.transition == t)
        users.push_back(g[use.user].id);
    }
    json entry = repr_json(transition.repr);
    entry["source"] = g[transition.source].id;
    entry["delegate"] = transition.partition;
    entry["users"] = std::move(users);
    transitions.push_back(std::move(entry));
  }
  return {{"removed_as_redundant", layouts.removed},
          {"num_transitions", plan.transitions.size()},
          {"values", std::move(values)},
          {"delegate_inputs", std::move(inputs)},
          {"transitions", std::move(transitions)}};
}

void print_layouts(const pipeline::layout_assignment& layouts) {
  const graph::plain_graph& g = layouts.delegates;
  const passes::layout_plan& plan = layouts.plan;
  std::cout << "\nlayouts (remove_redundant, then tag_layouts per delegate):\n";
  std::cout << "removed as redundant: " << layouts.removed.size();
  for (const std::string& id : layouts.removed)
    std::cout << ' ' << id;
  std::cout << '\n';
  std::size_t width = 2;
  for (graph::node_index n = 0; n < g.node_count(); ++n)
    width = std::max(width, g[n].id.size());
  for (const passes::boundary_value& entry : plan.boundary) {
    std::cout << "  " << std::left << std::setw(static_cast<int>(width)) << g[entry.source].id
              << "  " << entry.repr.to_string() << "  (input of delegate " << entry.partition
              << ")\n";
  }
  for (graph::node_index n = 0; n < g.node_count(); ++n) {
    if (const auto repr = plan.repr_of(n)) {
      std::cout << "  " << std::left << std::setw(static_cast<int>(width)) << g[n].id << "  "
                << repr->to_string() << '\n';
    }
  }
  std::cout << "transitions: " << plan.transitions.size() << '\n';
  for (std::uint32_t t = 0; t < plan.transitions.size(); ++t) {
    const passes::layout_transition& transition = plan.transitions[t];
    std::cout << "  clone " << g[transition.source].id << " -> " << transition.repr.to_string()
              << " for";
    for (const passes::redirected_use& use : plan.uses) {
      if (use.transition == t)
        std::cout << ' ' << g[use.user].id;
    }
    std::cout << '\n';
  }
}

}  // namespace

delegation_counts count_delegation(const partition_result& result) {
  delegation_counts counts;
  counts.delegates = result.plan.partition_count();
  counts.delegated_nodes = result.plan.delegated_count();
  for (graph::node_index n = 0; n < result.lowered.node_count(); ++n) {
    if (is_input_or_constant(result.plan, n))
      ++counts.inputs_and_constants;
    else if (!result.plan.delegated(n))
      ++counts.host_nodes;
  }
  if (result.layouts)
    counts.transitions = result.layouts->plan.transitions.size();
  return counts;
}

int run_partition(const partition_options& options) {
  progress report_progress(options.progress, "qlower partition");
  partition_result result;
  try {
    result = partition_graph(options, report_progress);
    if (!options.dot_file.empty() || !options.svg_file.empty()) {
      report_progress.stage("drawing");
      const std::string dot = to_dot(result);
      if (!options.dot_file.empty())
        write_text_file(options.dot_file, dot);
      if (!options.svg_file.empty()) {
        report_progress.stage("rendering " + options.svg_file + " with Graphviz");
        // Graphviz's layout grows faster than linearly: say why a large graph takes long.
        constexpr std::size_t graphviz_comfortable_nodes = 5000;
        if (result.lowered.node_count() > graphviz_comfortable_nodes) {
          std::cerr << "qlower partition: warning: Graphviz may take minutes to lay out "
                    << result.lowered.node_count()
                    << " nodes; --dot FILE writes the text at once\n";
        }
        render_svg(dot, options.svg_file);
      }
    }
  } catch (const qlower::error& failure) {
    std::cerr << "qlower partition: " << failure.what() << '\n';
    return 1;
  }
  const graph::plain_graph& g = result.lowered;
  const passes::partition_plan& plan = result.plan;
  const delegation_counts totals = count_delegation(result);
  const std::size_t host_count = totals.host_nodes;
  const std::size_t inputs_and_constants = totals.inputs_and_constants;

  std::map<std::string, op_counts, std::less<>> per_op;
  for (graph::node_index n = 0; n < g.node_count(); ++n) {
    if (is_input_or_constant(plan, n))
      continue;
    op_counts& counts = per_op[g[n].op];
    if (plan.delegated(n))
      ++counts.delegated;
    else
      ++counts.host;
  }

  if (options.as_json) {
    json report = {{"format", "qlower-partition"},
                   {"version", 1},
                   {"file", options.file},
                   {"graph", g.name()},
                   {"partitioned_for", result.how},
                   {"num_delegates", plan.partition_count()},
                   {"num_delegated_nodes", plan.delegated_count()},
                   {"num_host_nodes", host_count},
                   {"num_inputs_and_constants", inputs_and_constants}};
    json ops = json::object();
    for (const auto& [op, counts] : per_op)
      ops[op] = {{"delegated", counts.delegated}, {"host", counts.host}};
    report["ops"] = std::move(ops);
    json delegates = json::array();
    for (std::uint32_t p = 0; p < plan.partition_count(); ++p) {
      json nodes = json::array();
      for (graph::node_index n : plan.nodes_of(p))
        nodes.push_back(g[n].id);
      delegates.push_back({{"id", p}, {"nodes", std::move(nodes)}});
    }
    report["delegates"] = std::move(delegates);
    json host_nodes = json::array();
    for (graph::node_index n = 0; n < g.node_count(); ++n) {
      if (plan.delegated(n) || is_input_or_constant(plan, n))
        continue;
      const targets::rejection& why = *plan.reason(n);
      host_nodes.push_back({{"id", g[n].id},
                            {"op", g[n].op},
                            {"reason", std::string(targets::to_string(why.code))},
                            {"message", why.message}});
    }
    report["host_nodes"] = std::move(host_nodes);
    json notes = json::array();
    for (const passes::pass_note& note : result.notes)
      notes.push_back({{"stage", note.stage}, {"node", note.node}, {"message", note.message}});
    report["notes"] = std::move(notes);
    if (result.layouts)
      report["layouts"] = layouts_json(*result.layouts);
    std::cout << report.dump(2, ' ', false, json::error_handler_t::replace) << '\n';
    return 0;
  }

  std::cout << (g.name().empty() ? options.file : g.name() + " (" + options.file + ")") << " for "
            << result.how << '\n'
            << "Total delegated subgraphs: " << plan.partition_count() << '\n'
            << "Number of delegated nodes: " << plan.delegated_count() << '\n'
            << "Number of non-delegated nodes: " << host_count << '\n'
            << "Graph inputs and constants (never delegated): " << inputs_and_constants << "\n\n";
  std::size_t width = 2;
  for (const auto& [op, counts] : per_op)
    width = std::max(width, op.size());
  std::cout << std::left << std::setw(static_cast<int>(width)) << "op"
            << "  delegated  non-delegated\n";
  for (const auto& [op, counts] : per_op) {
    std::cout << std::left << std::setw(static_cast<int>(width)) << op << "  " << std::setw(9)
              << counts.delegated << "  " << counts.host << '\n';
  }
  for (std::uint32_t p = 0; p < plan.partition_count(); ++p) {
    std::cout << "\ndelegate " << p << " (" << plan.nodes_of(p).size() << " nodes):";
    for (graph::node_index n : plan.nodes_of(p))
      std::cout << ' ' << g[n].id;
    std::cout << '\n';
  }
  if (host_count > 0) {
    std::cout << "\nnon-delegated nodes:\n";
    for (graph::node_index n = 0; n < g.node_count(); ++n) {
      if (plan.delegated(n) || is_input_or_constant(plan, n))
        continue;
      const targets::rejection& why = *plan.reason(n);
      std::cout << "  " << g[n].id << " (" << g[n].op << "): " << targets::to_string(why.code)
                << ": " << why.message << '\n';
    }
  }
  if (!result.notes.empty()) {
    std::cout << "\nleft as they were by the pipeline:\n";
    for (const passes::pass_note& note : result.notes)
      std::cout << "  " << note.node << " (" << note.stage << "): " << note.message << '\n';
  }
  if (result.layouts)
    print_layouts(*result.layouts);
  return 0;
}

}  // namespace qlower::tool
