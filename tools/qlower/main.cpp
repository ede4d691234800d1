// SPDX-License-Identifier: Apache-2.0
// The qlower command-line tool: reads model graphs and reports on them.

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstddef>
#include <exception>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "demo_command.hpp"
#include "partition_command.hpp"
#include "qlower/core/error.hpp"
#include "qlower/graph/io/json.hpp"
#include "qlower/graph/summary.hpp"
#include "qlower/traits/lint.hpp"
#include "qlower/traits/rule_file.hpp"
#include "quantize_command.hpp"

namespace {

using nlohmann::json;

/// Exit statuses: 0 every graph valid, 1 a graph invalid or unreadable, 2 a usage error.
constexpr int exit_invalid = 1;
constexpr int exit_usage = 2;

struct info_options {
  std::vector<std::string> files;
  bool as_json = false;
};

json summary_as_json(const qlower::graph::graph_summary& summary) {
  json ops = json::object();
  for (const auto& [op, count] : summary.op_counts)
    ops[op] = count;
  json dtypes = json::object();
  for (const auto& [type, count] : summary.dtype_counts) {
    dtypes[std::string(qlower::to_string(type))] = count;
  }
  return {{"node_count", summary.node_count},
          {"edge_count", summary.edge_count},
          {"graph_output_count", summary.graph_output_count},
          {"ops", ops},
          {"dtypes", dtypes}};
}

void print_summary(const std::string& name, const qlower::graph::graph_summary& summary) {
  std::size_t width = 0;
  for (const auto& [op, count] : summary.op_counts)
    width = std::max(width, op.size());
  if (!name.empty())
    std::cout << "  name: " << name << '\n';
  std::cout << "  nodes: " << summary.node_count << " (edges " << summary.edge_count
            << ", graph outputs " << summary.graph_output_count << ")\n";
  std::cout << "  ops:\n";
  for (const auto& [op, count] : summary.op_counts) {
    std::cout << "    " << std::left << std::setw(static_cast<int>(width)) << op << "  " << count
              << '\n';
  }
  std::cout << "  dtypes of node outputs:\n";
  for (const auto& [type, count] : summary.dtype_counts) {
    std::cout << "    " << std::left << std::setw(9) << qlower::to_string(type) << "  " << count
              << '\n';
  }
}

int run_info(const info_options& options) {
  int status = 0;
  json reports = json::array();
  for (const std::string& file : options.files) {
    json report = {{"file", file}};
    try {
      const qlower::graph::plain_graph graph = qlower::graph::io::read_json_file(file);
      const qlower::graph::graph_summary summary = qlower::graph::summarize(graph);
      report["valid"] = true;
      report["name"] = graph.name();
      report.update(summary_as_json(summary));
      if (!options.as_json) {
        std::cout << file << "\n  valid: yes\n";
        print_summary(graph.name(), summary);
      }
    } catch (const qlower::error& failure) {
      status = exit_invalid;
      report["valid"] = false;
      report["error"] = failure.what();
      if (const auto* graph_failure = dynamic_cast<const qlower::graph_error*>(&failure)) {
        report["error_class"] = qlower::to_string(graph_failure->code());
      }
      report["node"] = failure.location().node;
      report["field"] = failure.location().field;
      if (!options.as_json)
        std::cout << file << "\n  valid: no (" << failure.what() << ")\n";
      std::cerr << "qlower info: " << failure.what() << '\n';
    }
    reports.push_back(std::move(report));
  }
  if (options.as_json) {
    std::cout << reports.dump(2, ' ', false, json::error_handler_t::replace) << '\n';
  }
  return status;
}

struct lint_options {
  std::vector<std::string> files;
  bool as_json = false;
};

/// Lints one rule set; prints its findings and returns how many there were.
std::size_t report_lint(const std::string& label, const qlower::traits::rule_set& set, bool as_json,
                        json& reports) {
  const std::vector<qlower::traits::lint_finding> findings = qlower::traits::lint(set);
  json report = {{"rules", label}, {"valid", true}, {"findings", json::array()}};
  for (const auto& finding : findings) {
    report["findings"].push_back({{"kind", qlower::traits::to_string(finding.kind)},
                                  {"op", qlower::ops::op_table[finding.op].name},
                                  {"related", qlower::ops::op_table[finding.related].name},
                                  {"message", finding.message}});
  }
  if (as_json) {
    reports.push_back(std::move(report));
  } else {
    std::cout << label << ": "
              << (findings.empty() ? "no findings" : std::to_string(findings.size()) + " findings")
              << '\n';
    for (const auto& finding : findings) {
      std::cout << "  " << qlower::traits::to_string(finding.kind) << ": " << finding.message
                << '\n';
    }
  }
  return findings.size();
}

int run_lint(const lint_options& options) {
  using namespace qlower;
  json reports = json::array();
  std::size_t findings = 0;
  bool invalid = false;
  if (options.files.empty()) {
    findings += report_lint("built-in arm_quantizer on ethos-u55",
                            traits::rule_set_of<traits::arm_quantizer, targets::ethos_u55>(),
                            options.as_json, reports);
    findings += report_lint("built-in arm_quantizer_v2 on ethos-u55",
                            traits::rule_set_of<traits::arm_quantizer_v2, targets::ethos_u55>(),
                            options.as_json, reports);
    findings += report_lint("built-in arm_quantizer_a16w8 on ethos-u55",
                            traits::rule_set_of<traits::arm_quantizer_a16w8, targets::ethos_u55>(),
                            options.as_json, reports);
  }
  for (const std::string& file : options.files) {
    try {
      findings += report_lint(file, traits::read_rules_file(file), options.as_json, reports);
    } catch (const qlower::error& failure) {
      invalid = true;
      if (options.as_json) {
        reports.push_back({{"rules", file}, {"valid", false}, {"error", failure.what()}});
      } else {
        std::cout << file << ": invalid (" << failure.what() << ")\n";
      }
    }
  }
  if (options.as_json)
    std::cout << reports.dump(2, ' ', false, json::error_handler_t::replace) << '\n';
  return invalid || findings > 0 ? exit_invalid : 0;
}

}  // namespace

/// --progress / --quiet: stage lines on stderr, by default only for inputs
/// large enough to take about a second.
void add_progress_flags(CLI::App* command, qlower::tool::progress_mode& mode) {
  auto* always = command->add_flag_callback(
      "--progress", [&mode] { mode = qlower::tool::progress_mode::always; },
      "Report each stage with its time on stderr (by default only for graphs of 50,000 nodes "
      "or 8 MiB and more)");
  command
      ->add_flag_callback(
          "--quiet", [&mode] { mode = qlower::tool::progress_mode::never; },
          "Never report progress")
      ->excludes(always);
}

int main(int argc, char** argv) {
  CLI::App app{
      "qlower: reports what a compiler lowering a quantized model to an accelerator "
      "decides for each op.",
      "qlower"};
  app.require_subcommand(1);

  info_options info;
  CLI::App* info_command =
      app.add_subcommand("info",
                         "Read graph files (graph-format.md) and print, for each, "
                         "whether it is valid, its node count, op histogram and dtypes.");
  info_command->add_option("GRAPH.json", info.files, "Graph files to read")->required();
  info_command->add_flag("--json", info.as_json, "Print one JSON report per file instead of text");

  lint_options lint;
  CLI::App* lint_command = app.add_subcommand(
      "lint",
      "Check quantizer rules against a target: ops left float that the target runs only in "
      "integer types (stranded on the host), aliases whose rule differs from their op's, "
      "composites that lose their decomposition's pass-through rule. Without RULES.json, checks "
      "qlower's built-in Arm quantizers on the Ethos-U55.");
  lint_command->add_option("RULES.json", lint.files,
                           "Rule files (format: include/qlower/traits/rule_file.hpp, README)");
  lint_command->add_flag("--json", lint.as_json, "Print one JSON report per rule set");

  qlower::tool::partition_options partition;
  CLI::App* partition_command = app.add_subcommand(
      "partition",
      "Partition a graph for an accelerator: quantize it with qlower's Arm quantizer (or a rule "
      "file), insert quantize/dequantize nodes, decompose, and partition it with the target's "
      "rules and the Arm partitioner's post-processing. Prints the delegates, the per-op counts, "
      "and for every non-delegated node the rule and value that kept it on the host. Node ids "
      "are those of the lowered graph: inserted nodes are named after their source "
      "(x.q3, conv.dq). With --target vulkan no quantization pass runs: the Vulkan "
      "partitioner's node checks decide, then remove_redundant and tag_layouts run on each "
      "delegate and the chosen representation of every value and each layout transition are "
      "printed.");
  partition_command->add_option("GRAPH.json", partition.file, "The graph (graph-format.md)")
      ->required();
  partition_command->add_option("--target", partition.target, "The accelerator")
      ->check(CLI::IsMember({"ethos-u55", "ethos-u85", "vulkan"}))
      ->capture_default_str();
  auto* rules_option = partition_command->add_option(
      "--rules", partition.rules_file,
      "Quantize with the rules of this qlower-rules file (the lint format) instead of the "
      "built-in Arm quantizer: how to see what a missing rule costs");
  partition_command->add_option(
      "--quantizer", partition.quantizer,
      "The built-in Arm quantizer: v2, ExecuTorch's default composable quantizer "
      "(_TOSAQuantizerV2; the default here too), or v1, its legacy decision table");
  partition_command
      ->add_option("--allow", partition.allow_file,
                   "Partition against a user-defined target instead: FILE lists supported op "
                   "names, one per line, '#' starts a comment. A listed op is supported in any "
                   "dtype, a getitem when its producer is; no quantization pass runs")
      ->excludes(rules_option);
  partition_command->add_flag("--json", partition.as_json,
                              "Print one JSON object: num_delegates, num_delegated_nodes, "
                              "num_host_nodes, num_inputs_and_constants, ops, delegates "
                              "[{id, nodes}], host_nodes [{id, op, reason, message}]; with "
                              "--target vulkan also layouts {removed_as_redundant, "
                              "num_transitions, values, delegate_inputs, transitions}");
  partition_command->add_option("--dot", partition.dot_file,
                                "Also write the partitioned graph as Graphviz DOT to FILE: a "
                                "cluster and colour per delegate, host nodes outlined in red "
                                "with their reason, layout transitions as nodes of their own");
  partition_command->add_option(
      "--svg", partition.svg_file,
      "Also render that picture to FILE as SVG with Graphviz's `dot` (must be on PATH)");
  add_progress_flags(partition_command, partition.progress);
  partition_command->add_flag(
      "--as-delegate", partition.as_delegate,
      "--target vulkan: the graph is one delegate's program after FuseQuantizedOps (as "
      "vulkan_preprocess sees it), so skip the node checks and lay out every registered op");
  partition_command->add_flag(
      "--no-layout-agnostic", partition.no_layout_agnostic,
      "--target vulkan: treat no op as layout-agnostic, as ExecuTorch did before PR 19395 (view, "
      "clone, alias accept float layouts only): how to see what the trait saves");

  qlower::tool::demo_options demo;
  CLI::App* demo_command = app.add_subcommand(
      "demo",
      "Run the bundled seed examples (scenarios.md) through the whole pipeline twice, with the "
      "seed's rule removed and with qlower's rules, print one table of delegates, host ops and "
      "layout transitions, and write a picture of every graph. Exits 1 if a scenario does not "
      "reproduce its seed's figures.");
  demo_command
      ->add_option("--examples", demo.examples_dir,
                   "The examples directory (with graphs/ and rules/); by default the installed "
                   "share/qlower/examples, else the source tree's")
      ->check(CLI::ExistingDirectory);
  demo_command
      ->add_option("--out", demo.out_dir,
                   "Where to write the pictures: GRAPH.without_rule.svg and GRAPH.qlower.svg "
                   "(DOT text when Graphviz's dot is not on PATH)")
      ->capture_default_str();
  demo_command->add_flag_callback(
      "--no-pictures", [&demo] { demo.pictures = false; }, "Print the table only");

  qlower::tool::quantize_options quantize;
  CLI::App* quantize_command = app.add_subcommand(
      "quantize",
      "Quantize a float32 (or float64) .npy tensor with given qparams, dequantize an integer one "
      "(--dequantize), or choose qparams for it (--choose), writing .npy: qlower's affine "
      "kernels, to check against another framework's numbers. The scale's shape is the "
      "granularity: a number or 0-d array per tensor, an array of the input's rank its block "
      "layout ([C, 1] per output channel, [C, N/32] groups of 32), a 1-D array per axis with "
      "--axis. Quantized values are stored unpacked, int4/int2 in int8 and uint4/uint2 in uint8.");
  quantize_command->add_option("INPUT.npy", quantize.input, "The tensor")->required();
  quantize_command->add_option("-o,--output", quantize.output, "The .npy file to write");
  quantize_command->add_option("--dtype", quantize.dtype,
                               "int8 (default), uint8, int16, uint16, int32, int4, uint4, int2, "
                               "uint2; --dequantize reads it from the input by default");
  quantize_command->add_option("--scale", quantize.scale, "A number or a .npy file (float32)");
  quantize_command->add_option("--zero-point", quantize.zero_point,
                               "A number or a .npy file of any integer dtype, shaped as the "
                               "scale; none by default (torchao's NONE domain: zero maps to 0)");
  quantize_command->add_option("--qmin", quantize.qmin,
                               "The smallest code (the dtype's by default)");
  quantize_command->add_option("--qmax", quantize.qmax,
                               "The largest code (the dtype's by default)");
  quantize_command->add_option("--axis", quantize.axis,
                               "Lay a 1-D scale (and zero point) along this axis of the input, as "
                               "ONNX's per-axis form; negative counts from the end");
  quantize_command
      ->add_option("--arithmetic", quantize.arithmetic,
                   "torchao: x * (1 / scale) in float32, as quantize_affine; onnx: x / scale, as "
                   "QuantizeLinear")
      ->check(CLI::IsMember({"torchao", "onnx"}))
      ->capture_default_str();
  quantize_command->add_flag("--dequantize", quantize.dequantize,
                             "INPUT holds codes: write float32 (code - zero point) * scale");
  quantize_command
      ->add_option("--choose", quantize.choose,
                   "Choose the scale and zero point per block, as torchao's "
                   "choose_qparams_affine: symmetric, symmetric_no_clipping_err or asymmetric")
      ->check(CLI::IsMember({"symmetric", "symmetric_no_clipping_err", "asymmetric"}));
  quantize_command
      ->add_option("--block-size", quantize.block_size,
                   "--choose: the block one scale covers, one size per dimension "
                   "(e.g. 1,32); the whole tensor by default")
      ->delimiter(',');
  quantize_command->add_option("--scale-out", quantize.scale_out,
                               "--choose: write the chosen scale to this .npy");
  quantize_command->add_option("--zero-point-out", quantize.zero_point_out,
                               "--choose: write the chosen zero point to this .npy");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& failure) {
    const int code = app.exit(failure);
    return code == 0 ? 0 : exit_usage;
  }
  try {
    if (info_command->parsed())
      return run_info(info);
    if (lint_command->parsed())
      return run_lint(lint);
    if (partition_command->parsed())
      return qlower::tool::run_partition(partition);
    if (quantize_command->parsed())
      return qlower::tool::run_quantize(quantize);
    if (demo_command->parsed())
      return qlower::tool::run_demo(demo, argv[0]);
  } catch (const std::exception& failure) {
    // Only a bug lands here: every bad input is a qlower::error handled above.
    std::cerr << "qlower: internal error: " << failure.what() << '\n';
    return exit_invalid;
  }
  return exit_usage;
}
