// SPDX-License-Identifier: Apache-2.0
#include "demo_command.hpp"

#include <cstddef>
#include <cstdlib>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <system_error>
#include <vector>

#include "dot.hpp"
#include "partition_command.hpp"
#include "qlower/core/error.hpp"

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
            << std::setw(29) << "qlower: del / host / trans"
            << "seed reported   reproduced\n";
  bool all_reproduced = true;
  std::vector<std::string> pictures;
  for (const scenario& s : seed_scenarios()) {
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
              << s.rule_removed << std::setw(30) << triple(before.counts) << std::setw(26)
              << triple(after.counts) << std::setw(16) << seed << (reproduced ? "yes" : "NO")
              << '\n';
  }
  std::cout << "\ndel = delegated subgraphs, host = op nodes left on the host (quantize/dequantize "
               "included), trans = layout-transition clones.\nSeed 002 (the scale shape encodes "
               "the block layout) is a kernel result, not a graph: see the README, "
               "\"Scale fusion\".\n";
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
