// SPDX-License-Identifier: Apache-2.0
#pragma once

// The invariants the pass fuzzers assert after each pass: what a pass keeps
// of its input graph (stage_checks, for each stage of pipeline::lower_for),
// and what a partitioning promises. Each failure aborts
// through QLOWER_FUZZ_CHECK with the graph's node ids in the message.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "fuzz/check.hpp"
#include "qlower/graph/concept.hpp"
#include "qlower/graph/plain_graph.hpp"
#include "qlower/passes/convert.hpp"
#include "qlower/passes/partition.hpp"
#include "qlower/pipeline/lower.hpp"

namespace qlower::fuzz {

/// The graph laws of graph/concept.hpp hold for a pass's output.
inline void check_laws(const char* stage, const graph::plain_graph& g) {
  must_succeed(stage, [&] { graph::check_graph_laws(g); });
}

/// Every node id of `before` appears exactly once in `after`, in the same
/// relative order; every other node of `after` is one `added` accepts.
inline void check_keeps_every_node(const char* stage, const graph::plain_graph& before,
                                   const graph::plain_graph& after,
                                   const std::function<bool(const graph::node&)>& added) {
  std::unordered_map<std::string_view, std::size_t> position_in_after;
  for (std::size_t i = 0; i < after.node_count(); ++i) {
    QLOWER_FUZZ_CHECK(position_in_after.emplace(after.nodes()[i].id, i).second,
                      std::string(stage) + ": node '" + after.nodes()[i].id + "' appears twice");
  }
  std::size_t last = 0;
  std::size_t kept = 0;
  for (std::size_t i = 0; i < before.node_count(); ++i) {
    const std::string& id = before.nodes()[i].id;
    const auto found = position_in_after.find(id);
    QLOWER_FUZZ_CHECK(found != position_in_after.end(),
                      std::string(stage) + " dropped node '" + id + "'");
    QLOWER_FUZZ_CHECK(kept == 0 || found->second > last,
                      std::string(stage) + " moved node '" + id + "' before an earlier node");
    last = found->second;
    ++kept;
  }
  for (const graph::node& n : after.nodes()) {
    if (!before.find(n.id))
      QLOWER_FUZZ_CHECK(added(n), std::string(stage) + " added node '" + n.id + "' (" + n.op +
                                      "), which it never inserts");
  }
}

/// A partition plan of `g`: every node delegated exactly when it has no
/// reason, each partition non-empty, ascending, numbered by its first node,
/// and convex (no path leaves it and comes back). With `acyclic`, also the
/// partitions as vertices form a DAG with the host nodes.
inline void check_partition(const char* stage, const graph::plain_graph& g,
                            const passes::partition_plan& plan, bool acyclic) {
  const std::size_t count = g.node_count();
  QLOWER_FUZZ_CHECK(plan.node_count() == count, std::string(stage) + ": the plan covers " +
                                                    std::to_string(plan.node_count()) +
                                                    " nodes of " + std::to_string(count));
  std::size_t members = 0;
  for (std::uint32_t p = 0; p < plan.partition_count(); ++p) {
    const auto nodes = plan.nodes_of(p);
    QLOWER_FUZZ_CHECK(!nodes.empty(),
                      std::string(stage) + ": partition " + std::to_string(p) + " is empty");
    QLOWER_FUZZ_CHECK(
        std::is_sorted(nodes.begin(), nodes.end()),
        std::string(stage) + ": partition " + std::to_string(p) + " lists its nodes out of order");
    if (p > 0) {
      QLOWER_FUZZ_CHECK(plan.nodes_of(p - 1).front() < nodes.front(),
                        std::string(stage) + ": partition " + std::to_string(p) +
                            " is not numbered by its first node");
    }
    for (graph::node_index n : nodes) {
      QLOWER_FUZZ_CHECK(plan.partition_of(n) == p && plan.reason(n) == nullptr,
                        std::string(stage) + ": node '" + g[n].id + "' listed in partition " +
                            std::to_string(p) + " but placed elsewhere or given a reason");
    }
    members += nodes.size();
  }
  QLOWER_FUZZ_CHECK(members == plan.delegated_count(), std::string(stage) + ": member count");
  for (graph::node_index n = 0; n < count; ++n) {
    QLOWER_FUZZ_CHECK(
        plan.delegated(n) != (plan.reason(n) != nullptr),
        std::string(stage) + ": node '" + g[n].id + "' is " +
            (plan.delegated(n) ? "delegated with a reason" : "on the host without a reason"));
  }

  // Convexity: walk what is reachable from the partition through a node
  // outside it; reaching the partition again is a path that leaves and re-enters.
  std::vector<std::uint32_t> reached(count, passes::partition_plan::host);
  std::vector<graph::node_index> pending;
  for (std::uint32_t p = 0; p < plan.partition_count(); ++p) {
    for (graph::node_index n : plan.nodes_of(p)) {
      for (graph::node_index user : g.users(n)) {
        if (plan.partition_of(user) != p && reached[user] != p) {
          reached[user] = p;
          pending.push_back(user);
        }
      }
    }
    while (!pending.empty()) {
      const graph::node_index outside = pending.back();
      pending.pop_back();
      for (graph::node_index user : g.users(outside)) {
        QLOWER_FUZZ_CHECK(plan.partition_of(user) != p,
                          std::string(stage) + ": partition " + std::to_string(p) +
                              " is not convex: a path leaves it through '" + g[outside].id +
                              "' and re-enters at '" + g[user].id + "'");
        if (reached[user] != p) {
          reached[user] = p;
          pending.push_back(user);
        }
      }
    }
  }

  if (!acyclic)
    return;
  // Kahn's algorithm on the quotient: vertex p for partition p, P + n for host node n.
  const std::size_t partitions = plan.partition_count();
  auto vertex = [&](graph::node_index n) -> std::size_t {
    return plan.delegated(n) ? plan.partition_of(n) : partitions + n;
  };
  std::vector<std::vector<std::size_t>> successors(partitions + count);
  std::vector<std::size_t> in_degree(partitions + count, 0);
  for (graph::node_index n = 0; n < count; ++n) {
    for (graph::node_index user : g.users(n)) {
      if (vertex(n) != vertex(user)) {
        successors[vertex(n)].push_back(vertex(user));
        ++in_degree[vertex(user)];
      }
    }
  }
  std::vector<std::size_t> ready;
  for (std::size_t v = 0; v < in_degree.size(); ++v) {
    if (in_degree[v] == 0)
      ready.push_back(v);
  }
  std::size_t ordered = 0;
  while (!ready.empty()) {
    const std::size_t v = ready.back();
    ready.pop_back();
    ++ordered;
    for (std::size_t w : successors[v]) {
      if (--in_degree[w] == 0)
        ready.push_back(w);
    }
  }
  QLOWER_FUZZ_CHECK(ordered == in_degree.size(),
                    std::string(stage) + ": the partitions do not form a DAG");
}

/// A node that convert inserts: a quantize or dequantize.
inline bool is_inserted_by_convert(const graph::node& n) {
  return n.op == passes::quantize_op_name || n.op == passes::dequantize_op_name ||
         n.op == passes::quantize_per_channel_op_name;
}

/// The graph outputs of `after` have the dtypes and shapes those of `before` had, in order.
inline void check_keeps_the_outputs(std::string_view stage, const graph::plain_graph& before,
                                    const graph::plain_graph& after) {
  QLOWER_FUZZ_CHECK(after.graph_outputs().size() == before.graph_outputs().size(),
                    std::string(stage) + " changed the number of graph outputs");
  for (std::size_t k = 0; k < before.graph_outputs().size(); ++k) {
    QLOWER_FUZZ_CHECK(
        after[after.graph_outputs()[k]].outputs.front() ==
            before[before.graph_outputs()[k]].outputs.front(),
        std::string(stage) + " changed the dtype or shape of graph output " + std::to_string(k));
  }
}

/// The invariants of each stage of pipeline::lower_for, checked on the graph
/// it returns against the graph the stage before returned.
class stage_checks {
 public:
  explicit stage_checks(const graph::plain_graph& input) : previous_(input) {}

  pipeline::stage_observer observer() {
    return {.started = [this](std::string_view stage) { running_ = stage; },
            .finished = [this](std::string_view stage,
                               const graph::plain_graph& result) { check(stage, result); }};
  }
  /// The stage that was running when lower_for threw.
  std::string_view running() const { return running_; }

 private:
  void check(std::string_view stage, const graph::plain_graph& result) {
    const std::string name(stage);
    check_laws((name + "'s graph obeys the graph laws").c_str(), result);
    if (stage == "convert") {
      check_keeps_every_node("convert", previous_, result, is_inserted_by_convert);
    } else if (stage == "decompose") {
      QLOWER_FUZZ_CHECK(result.node_count() == previous_.node_count(),
                        "decompose changed the node count");
      for (graph::node_index n = 0; n < result.node_count(); ++n) {
        QLOWER_FUZZ_CHECK(
            result[n].id == previous_[n].id && result[n].inputs == previous_[n].inputs &&
                result[n].outputs == previous_[n].outputs,
            "decompose changed node '" + previous_[n].id + "' beyond its op and attributes");
      }
      QLOWER_FUZZ_CHECK(std::vector<graph::node_index>(result.graph_outputs().begin(),
                                                       result.graph_outputs().end()) ==
                            std::vector<graph::node_index>(previous_.graph_outputs().begin(),
                                                           previous_.graph_outputs().end()),
                        "decompose changed the graph outputs");
    } else {
      // canonicalize, fuse_batch_norm, decompose_for_annotation: the values a user reads stay.
      check_keeps_the_outputs(stage, previous_, result);
    }
    previous_ = result;
  }

  graph::plain_graph previous_;
  std::string_view running_;
};

}  // namespace qlower::fuzz
