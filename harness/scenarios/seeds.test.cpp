// SPDX-License-Identifier: Apache-2.0
// The seed regressions of scenarios.md rows 000 and 001: each example graph
// runs through annotate, convert, decompose and the Arm partitioner for the
// Ethos-U55 twice, with qlower's quantizer and with the one rule the seed
// fixed taken out. The counts are the seeds' own; the test fails if the rule
// stops mattering.

#include <catch2/catch.hpp>
#include <cstddef>
#include <string>

#include "qlower/graph/io/json.hpp"
#include "qlower/passes/annotate.hpp"
#include "qlower/passes/arm_post_process.hpp"
#include "qlower/passes/convert.hpp"
#include "qlower/passes/decompose.hpp"
#include "qlower/targets/ethos_u55.hpp"
#include "qlower/traits/quantizer.hpp"

namespace {

using namespace qlower;
namespace aten = ops::aten;
using traits::arm_quantizer;
using traits::qspec_rule;
using traits::with_rule;

struct outcome {
  std::size_t delegates = 0;
  std::size_t host_permutes = 0;        ///< permute_copy nodes left on the host
  std::size_t host_concatenations = 0;  ///< cat nodes left on the host
  std::size_t float_permutes = 0;       ///< permute_copy nodes that stayed float
};

template <class Policy>
outcome lower(const std::string& file) {
  const graph::plain_graph g =
      graph::io::read_json_file(std::string(QLOWER_EXAMPLES_DIR) + "/graphs/" + file);
  const graph::plain_graph lowered =
      passes::decompose(passes::convert(g, passes::annotate<Policy>(g)));
  const passes::partition_plan plan = passes::partition_arm<targets::ethos_u55>(lowered);
  outcome result{plan.partition_count()};
  for (graph::node_index n = 0; n < lowered.node_count(); ++n) {
    const std::string& op = lowered[n].op;
    if (op == "aten.permute_copy.default") {
      result.host_permutes += plan.delegated(n) ? 0 : 1;
      result.float_permutes += lowered[n].outputs.front().type == dtype::float32 ? 1 : 0;
    }
    if (op == "aten.cat.default")
      result.host_concatenations += plan.delegated(n) ? 0 : 1;
  }
  return result;
}

TEST_CASE("seed 000: moveaxis shares its input's qspec, so a ConvNeXt-style model is one delegate",
          "[scenarios][seed_000]") {
  const std::string file = "seed_000_convnext.json";
  const outcome qlower_rules = lower<arm_quantizer>(file);
  CHECK(qlower_rules.delegates == 1);
  CHECK(qlower_rules.host_permutes == 0);
  CHECK(qlower_rules.float_permutes == 0);

  // ExecuTorch's annotator before the fix: no entry for moveaxis or movedim.
  using without_moveaxis =
      with_rule<arm_quantizer, qspec_rule::none, aten::moveaxis_int, aten::moveaxis_intlist,
                aten::movedim_int, aten::movedim_intlist>;
  const outcome rule_removed = lower<without_moveaxis>(file);
  CHECK(rule_removed.delegates == 9);
  CHECK(rule_removed.host_permutes == 8);
  CHECK(rule_removed.float_permutes == 8);
}

TEST_CASE("seed 001: concat shares one spec as cat does, so the EMG detector is one delegate",
          "[scenarios][seed_001]") {
  const std::string file = "seed_001_emg.json";
  const outcome qlower_rules = lower<arm_quantizer>(file);
  CHECK(qlower_rules.delegates == 1);
  CHECK(qlower_rules.host_concatenations == 0);

  // ExecuTorch's annotator before the fix: cat listed, its alias concat forgotten.
  using without_concat = with_rule<arm_quantizer, qspec_rule::none, aten::concat_default>;
  const outcome rule_removed = lower<without_concat>(file);
  CHECK(rule_removed.delegates == 2);
  CHECK(rule_removed.host_concatenations == 1);
}

}  // namespace
