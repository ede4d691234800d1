// SPDX-License-Identifier: Apache-2.0
#include "demo_command.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <optional>
#include <random>
#include <span>
#include <sstream>
#include <string>
#include <system_error>
#include <vector>

#include "dot.hpp"
#include "partition_command.hpp"
#include "qlower/core/error.hpp"
#include "qlower/core/shape.hpp"
#include "qlower/quant/fuse_multiplier.hpp"
#include "qlower/quant/kernels/dequantize.hpp"
#include "qlower/quant/kernels/quantize.hpp"
#include "qlower/quant/qparams.hpp"

namespace qlower::tool {
namespace {

namespace fs = std::filesystem;

/// One seed of scenarios.md: how to run its graph with the seed's rule
/// removed and with qlower's, and the figure the seed reported for each.
struct scenario {
  std::string name;
  std::string graph;  ///< under examples/graphs
  std::string target;
  std::string rule_removed;         ///< how the "before" run differs, for the table
  std::string rules_without;        ///< a rule file under examples/rules, or empty
  bool without_layout_agnostic;     ///< the Vulkan "before" run
  bool count_transitions;           ///< the seed's figure is layout transitions
  std::size_t seed_figure_without;  ///< delegates, or transitions
  std::size_t seed_figure_with;
};

std::vector<scenario> seed_scenarios() {
  return {
      {"000 moveaxis shares its input's qspec", "seed_000_convnext.json", "ethos-u55",
       "no moveaxis/movedim rule", "seed_000_without_moveaxis.json", false, false, 9, 1},
      {"001 concat shares one spec, as cat", "seed_001_emg.json", "ethos-u55", "no concat rule",
       "seed_001_without_concat.json", false, false, 2, 1},
      {"003 identity ops keep PACKED_INT8", "seed_003_refinenet.json", "vulkan",
       "no layout-agnostic op", "", true, true, 11, 3},
  };
}

/// The installed examples (PREFIX/share/qlower/examples beside PREFIX/bin),
/// else those of the source tree the tool was built from.
std::optional<fs::path> find_examples(const std::string& requested, const std::string& program) {
  std::error_code ignored;
  if (!requested.empty())
    return fs::is_directory(fs::path(requested) / "graphs", ignored)
               ? std::optional<fs::path>(requested)
               : std::nullopt;
  const fs::path installed =
      fs::weakly_canonical(fs::path(program), ignored).parent_path().parent_path() / "share" /
      "qlower" / "examples";
  if (fs::is_directory(installed / "graphs", ignored))
    return installed;
#ifdef QLOWER_SOURCE_EXAMPLES_DIR
  if (fs::is_directory(fs::path(QLOWER_SOURCE_EXAMPLES_DIR) / "graphs", ignored))
    return fs::path(QLOWER_SOURCE_EXAMPLES_DIR);
#endif
  return std::nullopt;
}

struct run_figures {
  delegation_counts counts;
  std::string picture;  ///< the file written, or empty
};

run_figures run_one(const partition_options& options, const demo_options& demo,
                    const std::string& picture_stem, bool have_graphviz) {
  progress silent(progress_mode::never, "qlower demo");
  const partition_result result = partition_graph(options, silent);
  run_figures figures{count_delegation(result), {}};
  if (demo.pictures) {
    const std::string dot = to_dot(result);
    const fs::path stem = fs::path(demo.out_dir) / picture_stem;
    if (have_graphviz) {
      figures.picture = stem.string() + ".svg";
      render_svg(dot, figures.picture);
    } else {
      figures.picture = stem.string() + ".dot";
      write_text_file(figures.picture, dot);
    }
  }
  return figures;
}

bool graphviz_on_path() {
  const char* path = std::getenv("PATH");
  if (path == nullptr)
    return false;
  std::stringstream directories(path);
  std::string directory;
  std::error_code ignored;
  while (std::getline(directories, directory, ':')) {
    if (!directory.empty() && fs::is_regular_file(fs::path(directory) / "dot", ignored))
      return true;
  }
  return false;
}

std::string cell(std::size_t value) {
  return std::to_string(value);
}

/// Seed 002 on scenarios.md's linear: per-channel int8 weights [K, N] with a
/// [K, 1] scale, then a constant [K] factor m. qlower folds m into the scale
/// channel by channel; the pass before the fix multiplied the [K, 1] scale by
/// |m| with NumPy broadcasting, which gives [K, K].
struct scale_fusion_figures {
  qlower::shape fused_scale;
  qlower::shape naive_scale;
  double fused_error_steps = 0;  ///< the largest |fused - unfused| output, in int8 output steps
  double naive_error_steps = 0;
};

scale_fusion_figures scale_fusion(std::int64_t k_count, std::int64_t n_count) {
  const auto k = static_cast<std::size_t>(k_count);
  const auto n = static_cast<std::size_t>(n_count);
  std::mt19937 rng(2002);
  std::uniform_real_distribution<float> unit(0.0f, 1.0f);
  std::vector<float> weight(k * n), scale(k), bias(k), factor(k);
  std::vector<std::int32_t> zero_point(k);
  for (std::size_t c = 0; c < k; ++c) {
    // channel ranges differ, as trained weights' do; asymmetric so zero points are not 0
    const float low = -(0.05f + 2.0f * unit(rng));
    const float high = 0.05f + 2.0f * unit(rng);
    scale[c] = (high - low) / 255.0f;
    zero_point[c] = static_cast<std::int32_t>(
        std::clamp(-128.0f - std::nearbyint(low / scale[c]), -128.0f, 127.0f));
    for (std::size_t j = 0; j < n; ++j)
      weight[c * n + j] = low + (high - low) * unit(rng);
    bias[c] = 2.0f * unit(rng) - 1.0f;
    factor[c] = c % 7 == 0 ? 0.0f : 6.0f * unit(rng) - 3.0f;  // negatives and zeros too
  }
  const qlower::shape weight_shape{k_count, n_count};
  const quant::affine_qparams qparams(qlower::shape{k_count, 1}, scale, zero_point,
                                      quant::quant_dtype::int8);
  std::vector<std::int8_t> q(weight.size());
  quant::quantize_affine(std::span<const float>(weight), weight_shape, qparams,
                         std::span<std::int8_t>(q));
  const quant::fused_weight<std::int8_t> fused = quant::fuse_multiplier(
      std::span<const std::int8_t>(q), weight_shape, qparams,
      std::optional<std::span<const float>>(bias), std::span<const float>(factor));

  // The broadcast before the fix: scale[i] * |m[j]| (1 for a zero factor) over [K, K].
  std::vector<float> naive_scale(k * k);
  std::vector<std::int32_t> naive_zero_point(k * k);
  for (std::size_t i = 0; i < k; ++i) {
    for (std::size_t j = 0; j < k; ++j) {
      naive_scale[i * k + j] = factor[j] == 0.0f ? 1.0f : scale[i] * std::fabs(factor[j]);
      naive_zero_point[i * k + j] = fused.qparams.zero_point()[i];
    }
  }
  const quant::affine_qparams naive(qlower::shape{k_count, k_count}, naive_scale, naive_zero_point,
                                    quant::quant_dtype::int8);

  auto outputs = [&](const quant::affine_qparams& p, std::span<const std::int8_t> codes,
                     const std::vector<float>& b, const std::vector<float>& x) {
    std::vector<float> w(codes.size());
    quant::dequantize_affine(codes, weight_shape, p, std::span<float>(w));
    std::vector<double> y(k);
    for (std::size_t c = 0; c < k; ++c) {
      double sum = b[c];
      for (std::size_t j = 0; j < n; ++j)
        sum += static_cast<double>(w[c * n + j]) * x[j];
      y[c] = sum;
    }
    return y;
  };
  scale_fusion_figures figures{fused.qparams.scale_shape(), naive.scale_shape(), 0, 0};
  for (int sample = 0; sample < 16; ++sample) {
    std::vector<float> x(n);
    for (float& value : x)
      value = 8.0f * unit(rng) - 4.0f;
    std::vector<double> expected = outputs(qparams, q, bias, x);
    double largest = 0;
    for (std::size_t c = 0; c < k; ++c) {
      expected[c] *= factor[c];
      largest = std::max(largest, std::fabs(expected[c]));
    }
    const double step = std::max(largest / 127.5, 0x1p-23);  // a symmetric int8 output
    const std::vector<double> with_fusion = outputs(fused.qparams, fused.weight, *fused.bias, x);
    const std::vector<double> with_naive = outputs(naive, fused.weight, *fused.bias, x);
    for (std::size_t c = 0; c < k; ++c) {
      figures.fused_error_steps =
          std::max(figures.fused_error_steps, std::fabs(with_fusion[c] - expected[c]) / step);
      figures.naive_error_steps =
          std::max(figures.naive_error_steps, std::fabs(with_naive[c] - expected[c]) / step);
    }
  }
  return figures;
}

std::string steps_text(double steps) {
  std::ostringstream text;
  text << std::setprecision(steps < 10 ? 2 : 4) << steps;
  return text.str();
}

}  // namespace

int run_demo(const demo_options& options, const std::string& program_path) {
  const std::optional<fs::path> examples = find_examples(options.examples_dir, program_path);
  if (!examples) {
    std::cerr << "qlower demo: "
              << (options.examples_dir.empty()
                      ? std::string("cannot find the bundled examples (share/qlower/examples "
                                    "beside the tool, or the source tree's examples/); pass "
                                    "--examples DIR")
                      : options.examples_dir + ": not an examples directory (no graphs/ in it)")
              << '\n';
    return 1;
  }
  const bool have_graphviz = options.pictures && graphviz_on_path();
  if (options.pictures) {
    std::error_code failure;
    fs::create_directories(options.out_dir, failure);
    if (failure) {
      std::cerr << "qlower demo: " << options.out_dir
                << ": cannot create the directory: " << failure.message() << '\n';
      return 1;
    }
  }

  std::cout << "The seed scenarios (scenarios.md), each graph run twice through the whole "
               "pipeline:\nwith the seed's rule removed, and with qlower's rules.\n\n";
  std::cout << std::left << std::setw(40) << "scenario" << std::setw(11) << "target"
            << std::setw(26) << "rule removed" << std::setw(30) << "removed: del / host / trans"
            << std::setw(31) << "qlower: del / host / trans"
            << "seed reported   reproduced\n";
  bool all_reproduced = true;
  std::vector<std::string> pictures;
  // Seed 002 is a kernel result, not a graph: the fused scale's shape and the error.
  auto print_scale_fusion_row = [&] {
    // Seed 002 is a kernel result, not a graph: the fused scale's shape and the error.
    const scale_fusion_figures fusion = scale_fusion(64, 128);
    const bool reproduced = fusion.naive_scale == qlower::shape{64, 64} &&
                            fusion.fused_scale == qlower::shape{64, 1} &&
                            fusion.fused_error_steps <= 1.0 && fusion.naive_error_steps > 1.0;
    all_reproduced = all_reproduced && reproduced;
    std::cout << std::left << std::setw(40) << "002 scale shape is the block layout"
              << std::setw(11) << "kernels" << std::setw(26) << "per-channel factor fold"
              << std::setw(30)
              << ("scale " + fusion.naive_scale.to_string() + ", " +
                  steps_text(fusion.naive_error_steps) + " steps")
              << std::setw(31)
              << ("scale " + fusion.fused_scale.to_string() + ", " +
                  steps_text(fusion.fused_error_steps) + " steps")
              << std::setw(16) << "[K,K] -> [K,1]" << (reproduced ? "yes" : "NO") << '\n';
  };
  for (const scenario& s : seed_scenarios()) {
    if (s.name.starts_with("003"))
      print_scale_fusion_row();  // in the order of the seeds
    partition_options base;
    base.file = (*examples / "graphs" / s.graph).string();
    base.target = s.target;
    base.progress = progress_mode::never;
    base.as_delegate = s.target == "vulkan";
    partition_options without = base;
    if (!s.rules_without.empty())
      without.rules_file = (*examples / "rules" / s.rules_without).string();
    without.no_layout_agnostic = s.without_layout_agnostic;
    const std::string stem = fs::path(s.graph).stem().string();
    run_figures before, after;
    try {
      before = run_one(without, options, stem + ".without_rule", have_graphviz);
      after = run_one(base, options, stem + ".qlower", have_graphviz);
    } catch (const qlower::error& failure) {
      std::cerr << "qlower demo: " << s.name << ": " << failure.what() << '\n';
      return 1;
    }
    for (const run_figures* figures : {&before, &after}) {
      if (!figures->picture.empty())
        pictures.push_back(figures->picture);
    }
    auto triple = [&](const delegation_counts& c) {
      return cell(c.delegates) + " / " + cell(c.host_nodes) + " / " +
             (s.target == "vulkan" ? cell(c.transitions) : std::string("-"));
    };
    const std::size_t measured_without =
        s.count_transitions ? before.counts.transitions : before.counts.delegates;
    const std::size_t measured_with =
        s.count_transitions ? after.counts.transitions : after.counts.delegates;
    const bool reproduced =
        measured_without == s.seed_figure_without && measured_with == s.seed_figure_with;
    all_reproduced = all_reproduced && reproduced;
    const std::string seed = cell(s.seed_figure_without) + " -> " + cell(s.seed_figure_with) +
                             (s.count_transitions ? " trans." : " del.");
    std::cout << std::left << std::setw(40) << s.name << std::setw(11) << s.target << std::setw(26)
              << s.rule_removed << std::setw(30) << triple(before.counts) << std::setw(31)
              << triple(after.counts) << std::setw(16) << seed << (reproduced ? "yes" : "NO")
              << '\n';
  }
  std::cout << "\ndel = delegated subgraphs, host = op nodes left on the host (quantize/dequantize "
               "included), trans = layout-transition clones;\nsteps = the largest error of the "
               "fused linear (K=64, N=128) against the unfused pair, in int8 output steps.\n";
  if (options.pictures) {
    std::cout << '\n'
              << (have_graphviz ? "Pictures (SVG):"
                                : "Graphviz's dot is not on PATH, so the pictures are DOT text "
                                  "(install graphviz for SVG):")
              << '\n';
    for (const std::string& picture : pictures)
      std::cout << "  " << picture << '\n';
  }
  if (!all_reproduced) {
    std::cerr << "qlower demo: a scenario did not reproduce its seed's figures (see the table)\n";
    return 1;
  }
  return 0;
}

}  // namespace qlower::tool
