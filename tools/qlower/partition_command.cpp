// SPDX-License-Identifier: Apache-2.0
#include "partition_command.hpp"

#include <algorithm>
#include <cstddef>
#include <iomanip>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "qlower/core/error.hpp"
#include "qlower/graph/io/json.hpp"
#include "qlower/passes/annotate.hpp"
#include "qlower/passes/arm_post_process.hpp"
#include "qlower/passes/convert.hpp"
#include "qlower/passes/decompose.hpp"
#include "qlower/passes/partition.hpp"
#include "qlower/targets/allow_list.hpp"
#include "qlower/targets/ethos_u55.hpp"
#include "qlower/traits/rule_file.hpp"
#include "qlower/traits/stranded.hpp"

namespace qlower::tool {
namespace {

using nlohmann::json;

struct partition_result {
  graph::plain_graph lowered;
  passes::partition_plan plan;
  std::string how;  ///< what ran, for the report's first line
};

partition_result partition_graph(const partition_options& options) {
  const graph::plain_graph input = graph::io::read_json_file(options.file);
  if (!options.allow_file.empty()) {
    const targets::allow_list allowed = targets::read_allow_list_file(options.allow_file);
    passes::partition_plan plan = passes::partition(input, allowed);
    return {input, std::move(plan), "the allow list " + options.allow_file + ", no quantization"};
  }
  const traits::rule_set rules =
      options.rules_file.empty() ? traits::rule_set_of<traits::arm_quantizer, targets::ethos_u55>()
                                 : traits::read_rules_file(options.rules_file);
  const passes::annotation_plan annotation =
      passes::annotate_with(input, rules.rules, rules.config);
  graph::plain_graph lowered = passes::decompose(passes::convert(input, annotation));
  passes::partition_plan plan = options.target == "ethos-u85"
                                    ? passes::partition_arm<targets::ethos_u85>(lowered)
                                    : passes::partition_arm<targets::ethos_u55>(lowered);
  const std::string quantizer = options.rules_file.empty() ? "the built-in arm_quantizer"
                                                           : "the rules of " + options.rules_file;
  return {std::move(lowered), std::move(plan), options.target + ", quantized by " + quantizer};
}

bool is_input_or_constant(const passes::partition_plan& plan, graph::node_index n) {
  const targets::rejection* why = plan.reason(n);
  return why != nullptr && why->code == targets::reason::graph_input;
}

struct op_counts {
  std::size_t delegated = 0;
  std::size_t host = 0;
};

}  // namespace

int run_partition(const partition_options& options) {
  partition_result result;
  try {
    result = partition_graph(options);
  } catch (const qlower::error& failure) {
    std::cout << "qlower partition: " << failure.what() << '\n';
    return 1;
  }
  const graph::plain_graph& g = result.lowered;
  const passes::partition_plan& plan = result.plan;

  std::map<std::string, op_counts, std::less<>> per_op;
  std::size_t host_count = 0;
  std::size_t inputs_and_constants = 0;
  for (graph::node_index n = 0; n < g.node_count(); ++n) {
    if (is_input_or_constant(plan, n)) {
      ++inputs_and_constants;
      continue;
    }
    op_counts& counts = per_op[g[n].op];
    if (plan.delegated(n)) {
      ++counts.delegated;
    } else {
      ++counts.host;
      ++host_count;
    }
  }

  if (options.as_json) {
    json report = {{"file", options.file},
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
  return 0;
}

}  // namespace qlower::tool
