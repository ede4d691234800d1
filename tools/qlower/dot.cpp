// SPDX-License-Identifier: Apache-2.0
#include "dot.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "qlower/core/error.hpp"
#include "qlower/targets/rejection.hpp"

extern char** environ;  // NOLINT: POSIX declares it nowhere else

namespace qlower::tool {
namespace {

/// Light fills that stay readable under black text, cycled over delegates.
constexpr std::array<std::string_view, 10> delegate_fills = {
    "#a6cee3", "#b2df8a", "#fdbf6f", "#cab2d6", "#ffff99",
    "#8dd3c7", "#fccde5", "#bebada", "#80b1d3", "#d9d9d9"};

std::string escaped(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    if (c == '"' || c == '\\')
      out += '\\';
    out += c == '\n' ? ' ' : c;
  }
  return out;
}

/// Breaks a long rejection message into lines of about `width` characters
/// at spaces, so that a host node stays narrow; nothing is cut.
std::string wrapped(std::string_view text, std::size_t width = 44) {
  std::string out;
  std::size_t line = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find(' ', start);
    if (end == std::string_view::npos)
      end = text.size();
    const std::string_view word = text.substr(start, end - start);
    if (line > 0 && line + 1 + word.size() > width) {
      out += "\\n";
      line = 0;
    } else if (line > 0) {
      out += ' ';
      ++line;
    }
    out += escaped(word);
    line += word.size();
    start = end + 1;
  }
  return out;
}

std::string type_text(const graph::plain_graph& g, graph::node_index n) {
  if (g.output_count(n) == 0)
    return {};
  std::string text(qlower::to_string(g.output_dtype(n, 0)));
  text += " [";
  const auto dims = g.output_dims(n, 0);
  for (std::size_t d = 0; d < dims.size(); ++d)
    text += (d == 0 ? "" : ",") + std::to_string(dims[d]);
  text += ']';
  if (g.output_count(n) > 1)
    text += " +" + std::to_string(g.output_count(n) - 1) + " outputs";
  return text;
}

/// Weights and biases are counted in their reader's label, not drawn: a
/// picture with four constants per convolution hides the graph's shape.
bool is_constant(const graph::plain_graph& g, graph::node_index n) {
  return n != graph::no_node && g.op_name(n) == "const";
}

std::string plural(std::size_t count, std::string_view noun) {
  return std::to_string(count) + " " + std::string(noun) + (count == 1 ? "" : "s");
}

/// What the drawing needs per node of the graph it draws.
struct node_style {
  std::uint32_t partition = passes::not_delegated;
  const targets::rejection* reason = nullptr;  ///< null when delegated
};

}  // namespace

std::string to_dot(const partition_result& result) {
  // On Vulkan the picture is of the delegates after remove_redundant, whose
  // node indices differ from the partitioned graph's: reasons go by id.
  const graph::plain_graph& g = result.layouts ? result.layouts->delegates : result.lowered;
  const passes::layout_plan* layouts = result.layouts ? &result.layouts->plan : nullptr;
  std::vector<node_style> styles(g.node_count());
  for (graph::node_index n = 0; n < g.node_count(); ++n) {
    graph::node_index source = n;
    if (result.layouts) {
      styles[n].partition = result.layouts->partition_of[n];
      source = *result.lowered.find(g[n].id);
    } else {
      styles[n].partition = result.plan.partition_of(source);
    }
    styles[n].reason = result.plan.reason(source);
  }

  std::ostringstream out;
  const delegation_counts counts = count_delegation(result);
  std::string title = (g.name().empty() ? std::string("graph") : g.name()) + " for " + result.how +
                      ": " + plural(counts.delegates, "delegate") + ", " +
                      plural(counts.host_nodes, "host node");
  if (layouts)
    title += ", " + plural(counts.transitions, "layout transition");
  out << "digraph \"" << escaped(g.name()) << "\" {\n"
      << "  graph [rankdir=TB, labelloc=t, fontname=\"Helvetica\", fontsize=14, label=\""
      << escaped(title) << "\"];\n"
      << "  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\", fontsize=10, "
         "fillcolor=white];\n"
      << "  edge [color=\"#555555\", arrowsize=0.6];\n";

  auto node_line = [&](graph::node_index n) {
    const node_style& style = styles[n];
    std::string label = escaped(g[n].id) + "\\n" + escaped(g[n].op);
    const std::string types = type_text(g, n);
    if (!types.empty())
      label += "\\n" + escaped(types);
    const auto inputs = g.inputs(n);
    const auto constants = std::count_if(inputs.begin(), inputs.end(),
                                         [&](graph::node_index i) { return is_constant(g, i); });
    if (constants > 0)
      label += "\\n+" + std::to_string(constants) + (constants == 1 ? " constant" : " constants");
    if (layouts) {
      if (const auto repr = layouts->repr_of(n))
        label += "\\n" + escaped(repr->to_string());
    }
    std::ostringstream line;
    line << "  n" << n << " [";
    const bool input_or_constant =
        style.reason != nullptr && style.reason->code == targets::reason::graph_input;
    if (input_or_constant) {
      line << "shape=ellipse, fillcolor=\"#eeeeee\", color=\"#999999\", ";
    } else if (style.reason != nullptr) {
      label += "\\nhost: " + std::string(targets::to_string(style.reason->code)) + "\\n" +
               wrapped(style.reason->message);
      line << "color=\"#d62728\", penwidth=2.5, fontcolor=\"#8b0000\", ";
    } else {
      line << "fillcolor=\"" << delegate_fills[style.partition % delegate_fills.size()] << "\", ";
    }
    line << "label=\"" << label << "\"];\n";
    return line.str();
  };

  // Clusters: the delegates (with their transitions), then everything else.
  const std::size_t delegate_count = result.plan.partition_count();
  std::vector<std::vector<graph::node_index>> members(delegate_count);
  for (graph::node_index n = 0; n < g.node_count(); ++n) {
    if (styles[n].reason == nullptr && styles[n].partition < delegate_count)
      members[styles[n].partition].push_back(n);
  }
  for (std::size_t p = 0; p < delegate_count; ++p) {
    out << "  subgraph cluster_delegate_" << p << " {\n"
        << "    label=\"delegate " << p << "\"; style=\"rounded,dashed\"; color=\"#333333\";\n";
    for (const graph::node_index n : members[p])
      out << "  " << node_line(n);
    if (layouts) {
      for (std::size_t t = 0; t < layouts->transitions.size(); ++t) {
        const passes::layout_transition& transition = layouts->transitions[t];
        if (transition.partition == p) {
          out << "    t" << t
              << " [shape=box, style=\"filled,dashed\", fillcolor=\"#fff3b0\", label=\"clone "
                 "(layout transition)\\n-> "
              << escaped(transition.repr.to_string()) << "\"];\n";
        }
      }
    }
    out << "  }\n";
  }
  for (graph::node_index n = 0; n < g.node_count(); ++n) {
    if (!(styles[n].reason == nullptr && styles[n].partition < delegate_count) &&
        !is_constant(g, n))
      out << node_line(n);
  }
  if (layouts) {
    // a transition of a delegate beyond the drawn ones cannot happen; draw it loose if it does
    for (std::size_t t = 0; t < layouts->transitions.size(); ++t) {
      if (layouts->transitions[t].partition >= delegate_count) {
        out << "  t" << t << " [shape=box, style=\"filled,dashed\", fillcolor=\"#fff3b0\", "
            << "label=\"clone\\n-> " << escaped(layouts->transitions[t].repr.to_string())
            << "\"];\n";
      }
    }
  }

  // Edges: an input read through a transition comes from the transition.
  std::vector<std::vector<std::uint32_t>> redirected(g.node_count());
  if (layouts) {
    for (const passes::redirected_use& use : layouts->uses) {
      auto& of_user = redirected[use.user];
      if (of_user.size() <= use.input)
        of_user.resize(use.input + 1, UINT32_MAX);
      of_user[use.input] = use.transition;
    }
    for (std::size_t t = 0; t < layouts->transitions.size(); ++t)
      out << "  n" << layouts->transitions[t].source << " -> t" << t << ";\n";
  }
  for (graph::node_index n = 0; n < g.node_count(); ++n) {
    const auto inputs = g.inputs(n);
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      // An absent optional input (a convolution without bias) draws no edge.
      if (inputs[i] == graph::no_node || is_constant(g, inputs[i]))
        continue;
      if (i < redirected[n].size() && redirected[n][i] != UINT32_MAX)
        out << "  t" << redirected[n][i] << " -> n" << n << ";\n";
      else
        out << "  n" << inputs[i] << " -> n" << n << ";\n";
    }
  }
  for (const graph::node_index n : g.graph_outputs())
    out << "  n" << n << " [peripheries=2];\n";
  out << "}\n";
  return out.str();
}

void write_text_file(const std::string& path, const std::string& text) {
  std::ofstream file(path, std::ios::binary);
  if (file)
    file << text;
  if (!file || !file.flush())
    throw error(std::string("cannot write the file: ") + std::strerror(errno), {path, {}, {}});
}

void render_svg(const std::string& dot, const std::string& svg_path) {
  // dot reads a temporary file rather than a pipe: no SIGPIPE handling, and
  // dot's own errors (an unwritable output path) still reach the user's stderr.
  std::error_code failure;
  const std::filesystem::path directory = std::filesystem::temp_directory_path(failure);
  std::string temporary =
      (failure ? std::filesystem::path("/tmp") : directory) / "qlower-XXXXXX.dot";
  const int descriptor = ::mkstemps(temporary.data(), 4);
  if (descriptor < 0)
    throw error(std::string("cannot create a temporary file for Graphviz: ") + std::strerror(errno),
                {temporary, {}, {}});
  ::close(descriptor);
  struct remove_on_exit {
    std::string path;
    ~remove_on_exit() {
      std::error_code ignored;  // a temporary file left behind is not worth failing for
      std::filesystem::remove(path, ignored);
    }
  };
  const remove_on_exit cleanup{temporary};
  write_text_file(temporary, dot);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, temporary.c_str(), O_RDONLY, 0);
  std::string program = "dot", format = "-Tsvg", flag = "-o", output = svg_path;
  std::array<char*, 5> argv = {program.data(), format.data(), flag.data(), output.data(), nullptr};
  pid_t child = 0;
  const int spawned = ::posix_spawnp(&child, "dot", &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned == ENOENT) {
    throw error(
        "--svg needs Graphviz's `dot`, which is not on PATH: install graphviz (Debian: apt-get "
        "install graphviz), or write the DOT text with --dot FILE and render it elsewhere",
        {svg_path, {}, {}});
  }
  if (spawned != 0)
    throw error(std::string("cannot run Graphviz's dot: ") + std::strerror(spawned),
                {svg_path, {}, {}});
  int status = 0;
  while (::waitpid(child, &status, 0) < 0) {
    if (errno != EINTR)
      throw error(std::string("waiting for Graphviz's dot: ") + std::strerror(errno),
                  {svg_path, {}, {}});
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw error("Graphviz's dot failed (" +
                    (WIFEXITED(status) ? "exit status " + std::to_string(WEXITSTATUS(status))
                                       : std::string("killed by a signal")) +
                    ") while rendering it; its message is above",
                {svg_path, {}, {}});
  }
}

}  // namespace qlower::tool
