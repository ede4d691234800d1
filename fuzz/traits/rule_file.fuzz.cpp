// SPDX-License-Identifier: Apache-2.0
// The rule-file reader and the lint on fuzzed rule files. Invariants: reading
// gives a rule set or a qlower::error, never another exception; the lint is
// deterministic (the same findings twice) and reports in op_id order. A rule
// set that reads then lowers a small fixed graph (pipeline::lower_for the
// Ethos-U55, each stage checked), as `qlower partition --rules` does:
// whatever rules a user writes, the passes keep every node and give convex
// partitions.

#include "qlower/traits/rule_file.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/check.hpp"
#include "fuzz/passes/invariants.hpp"
#include "qlower/graph/io/json.hpp"
#include "qlower/pipeline/lower.hpp"
#include "qlower/targets/ethos_u55.hpp"
#include "qlower/traits/lint.hpp"

namespace {

using namespace qlower;

/// Ops of every rule kind a rule file may change: a weighted conv and linear,
/// a concat alias, moveaxis (a composite), a permute, shared-spec cat, a
/// multi-output op with getitems, a fixed-qparams op, and float-only ops.
constexpr std::string_view graph_document = R"({
  "format": "qlower-graph", "version": 1, "name": "rule_file_fuzz",
  "nodes": [
    {"id": "x", "op": "input", "dtype": "float32", "shape": [1, 8, 8, 8]},
    {"id": "y", "op": "input", "dtype": "float32", "shape": [1, 8, 8, 8]},
    {"id": "w", "op": "const", "dtype": "float32", "shape": [8, 8, 3, 3]},
    {"id": "b", "op": "const", "dtype": "float32", "shape": [8]},
    {"id": "conv", "op": "aten.convolution.default", "inputs": ["x", "w", "b"],
     "attrs": {"stride": [1, 1], "padding": [1, 1], "dilation": [1, 1], "transposed": false,
               "output_padding": [0, 0], "groups": 1},
     "dtype": "float32", "shape": [1, 8, 8, 8]},
    {"id": "clip", "op": "aten.hardtanh.default", "inputs": ["conv"],
     "attrs": {"min_val": 0.0, "max_val": 6.0}, "dtype": "float32", "shape": [1, 8, 8, 8]},
    {"id": "cat", "op": "aten.concat.default", "inputs": ["clip", "y"], "attrs": {"dim": 1},
     "dtype": "float32", "shape": [1, 16, 8, 8]},
    {"id": "moved", "op": "aten.movedim.int", "inputs": ["cat"],
     "attrs": {"source": 1, "destination": 3}, "dtype": "float32", "shape": [1, 8, 8, 16]},
    {"id": "perm", "op": "aten.permute.default", "inputs": ["moved"], "attrs": {"dims": [0, 3, 1, 2]},
     "dtype": "float32", "shape": [1, 16, 8, 8]},
    {"id": "sum", "op": "aten.add.Tensor", "inputs": ["perm", "cat"], "dtype": "float32",
     "shape": [1, 16, 8, 8]},
    {"id": "max", "op": "aten.max.dim", "inputs": ["sum"], "attrs": {"dim": 3, "keepdim": false},
     "outputs": [{"dtype": "float32", "shape": [1, 16, 8]}, {"dtype": "int64", "shape": [1, 16, 8]}]},
    {"id": "values", "op": "getitem", "inputs": ["max"], "attrs": {"index": 0},
     "dtype": "float32", "shape": [1, 16, 8]},
    {"id": "indices", "op": "getitem", "inputs": ["max"], "attrs": {"index": 1},
     "dtype": "int64", "shape": [1, 16, 8]},
    {"id": "mean", "op": "aten.mean.dim", "inputs": ["values"], "attrs": {"dim": [-1], "keepdim": false},
     "dtype": "float32", "shape": [1, 16]},
    {"id": "lw", "op": "const", "dtype": "float32", "shape": [4, 16]},
    {"id": "linear", "op": "aten.linear.default", "inputs": ["mean", "lw", null],
     "dtype": "float32", "shape": [1, 4]},
    {"id": "t", "op": "aten.t.default", "inputs": ["linear"], "dtype": "float32", "shape": [4, 1]},
    {"id": "sig", "op": "aten.sigmoid.default", "inputs": ["t"], "dtype": "float32", "shape": [4, 1]},
    {"id": "soft", "op": "aten.softmax.int", "inputs": ["sig"], "attrs": {"dim": 0},
     "dtype": "float32", "shape": [4, 1]},
    {"id": "norm", "op": "aten.layer_norm.default", "inputs": ["soft", null, null],
     "attrs": {"normalized_shape": [1]}, "dtype": "float32", "shape": [4, 1]}
  ],
  "outputs": ["norm", "indices"]
})";

const graph::plain_graph& fixed_graph() {
  static const graph::plain_graph g = fuzz::must_succeed(
      "reading the embedded graph", [] { return graph::io::read_json(graph_document); });
  return g;
}

bool same_findings(const std::vector<traits::lint_finding>& a,
                   const std::vector<traits::lint_finding>& b) {
  if (a.size() != b.size())
    return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].kind != b[i].kind || a[i].op != b[i].op || a[i].related != b[i].related ||
        a[i].message != b[i].message)
      return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const graph::plain_graph& g = fixed_graph();
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  traits::rule_set rules;
  if (!fuzz::typed_error_or_success("read_rules",
                                    [&] { rules = traits::read_rules(text, "<fuzz>"); }))
    return 0;

  const auto first = fuzz::must_succeed("lint", [&] { return traits::lint(rules); });
  const auto second = fuzz::must_succeed("lint", [&] { return traits::lint(rules); });
  QLOWER_FUZZ_CHECK(same_findings(first, second), "lint gave other findings the second time");
  for (std::size_t i = 1; i < first.size(); ++i)
    QLOWER_FUZZ_CHECK(first[i - 1].op <= first[i].op, "lint's findings are not in op_id order");
  for (const traits::lint_finding& finding : first) {
    QLOWER_FUZZ_CHECK(finding.op < ops::op_count && finding.related < ops::op_count,
                      "a finding names no op: " + finding.message);
  }

  fuzz::stage_checks checks(g);
  pipeline::lowering lowered;
  if (!fuzz::typed_error_or_success("lower_for<ethos_u55>", [&] {
        lowered = pipeline::lower_for<targets::ethos_u55>(g, rules, checks.observer());
      })) {
    QLOWER_FUZZ_CHECK(
        checks.running() == "decompose",
        std::string(checks.running()) + " threw a qlower::error on a graph that read");
    return 0;
  }
  fuzz::check_partition("lower_for<ethos_u55>", lowered.graph, lowered.plan, false);
  return 0;
}
