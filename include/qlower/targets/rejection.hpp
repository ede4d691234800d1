// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace qlower::targets {

/// Why a node is not delegated: the rule that rejected it. Capability checks
/// come first, in the order ethos-u55.md 2.1 applies them; the post-processing
/// rules of the Arm partitioner (2.4) follow.
enum class reason : std::uint8_t {
  unknown_op,               ///< the op set does not hold the op
  graph_input,              ///< a graph input or constant: never a delegate's own node
  not_in_profile,           ///< neither in the TOSA INT list nor accepted by a registered check
  rank,                     ///< an input or output of rank above 6
  argmax_users,             ///< argmax whose users are not int32 casts
  int64,                    ///< an int64 input or output outside the allowed cases
  not_quantized,            ///< CheckArmQuantized: a float node or float input
  improper_quantization,    ///< CheckProperQuantization: inputs not DQ or users not Q
  dtype_banned,             ///< float64 always, bfloat16 without extension, bool on U55
  never_supported,          ///< EthosU55NotSupported
  dtype_table,              ///< EthosU55DtypeSupport
  cast,                     ///< the cast table or EthosU55CastCheck
  resize,                   ///< EthosU55ResizeCheck
  reverse,                  ///< EthosU55ReverseCheck
  reduction,                ///< sum's Vela limits
  pooling,                  ///< pooling limits
  convolution,              ///< convolution limits
  permute_needs_split,      ///< a permute that fails the U55 quick test
  not_registered,           ///< Vulkan: the op has no implementation
  dtype_unsupported,        ///< Vulkan: a dtype outside the backend's or the op's sets
  inputs_unsupported,       ///< Vulkan: the op's own check of its inputs failed
  high_rank,                ///< Vulkan: a tensor of rank above 4 for an op without high-dim support
  no_valid_representation,  ///< Vulkan: a tensor's shape fits none of the op's layouts
  not_allowed,              ///< not on a user's allow list
  producer_not_delegated,   ///< a getitem follows its producer
  boundary_quantize,        ///< post-processing: a Q node whose input is outside the partition
  boundary_dequantize,      ///< post-processing: a DQ node with a user outside the partition
  boundary_float_input,     ///< post-processing: a first node whose input is floating point
  uint8_partition,          ///< post-processing: the partition holds a uint8 node
  no_op_partition,          ///< post-processing: every node of the partition is a no-op or Q/DQ
};

inline constexpr std::array<std::pair<reason, std::string_view>, 30> reason_names{{
    {reason::unknown_op, "unknown_op"},
    {reason::graph_input, "graph_input"},
    {reason::not_in_profile, "not_in_profile"},
    {reason::rank, "rank"},
    {reason::argmax_users, "argmax_users"},
    {reason::int64, "int64"},
    {reason::not_quantized, "not_quantized"},
    {reason::improper_quantization, "improper_quantization"},
    {reason::dtype_banned, "dtype_banned"},
    {reason::never_supported, "never_supported"},
    {reason::dtype_table, "dtype_table"},
    {reason::cast, "cast"},
    {reason::resize, "resize"},
    {reason::reverse, "reverse"},
    {reason::reduction, "reduction"},
    {reason::pooling, "pooling"},
    {reason::convolution, "convolution"},
    {reason::permute_needs_split, "permute_needs_split"},
    {reason::not_registered, "not_registered"},
    {reason::dtype_unsupported, "dtype_unsupported"},
    {reason::inputs_unsupported, "inputs_unsupported"},
    {reason::high_rank, "high_rank"},
    {reason::no_valid_representation, "no_valid_representation"},
    {reason::not_allowed, "not_allowed"},
    {reason::producer_not_delegated, "producer_not_delegated"},
    {reason::boundary_quantize, "boundary_quantize"},
    {reason::boundary_dequantize, "boundary_dequantize"},
    {reason::boundary_float_input, "boundary_float_input"},
    {reason::uint8_partition, "uint8_partition"},
    {reason::no_op_partition, "no_op_partition"},
}};

static_assert(
    [] {
      for (std::size_t i = 0; i < reason_names.size(); ++i) {
        if (static_cast<std::size_t>(reason_names[i].first) != i)
          return false;
      }
      return static_cast<std::size_t>(reason::no_op_partition) + 1 == reason_names.size();
    }(),
    "reason_names lists every reason once, in enum order");

/// "permute_needs_split": the code's stable name, as reports and JSON print it.
constexpr std::string_view to_string(reason code) noexcept {
  return reason_names[static_cast<std::size_t>(code)].second;
}

/// Whether the rule is one of the partitioner's post-processing rules rather
/// than a capability check of the node itself.
constexpr bool is_post_processing(reason code) noexcept {
  return code >= reason::boundary_quantize;
}

/// One rejection: the rule, and a message that names the limit and the value.
struct rejection {
  reason code;
  std::string message;

  friend bool operator==(const rejection&, const rejection&) = default;
};

/// A support check's answer: no value when the node is supported.
using support_result = std::optional<rejection>;

}  // namespace qlower::targets
