// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string_view>

#include "qlower/core/dtype.hpp"
#include "qlower/ops/aten_elementwise.hpp"
#include "qlower/ops/aten_nn.hpp"
#include "qlower/ops/aten_shape.hpp"
#include "qlower/targets/target.hpp"

/// The Arm Ethos-U55 with an INT-only TOSA spec (ethos-u55.md). This header
/// holds the dtype table of EthosU55DtypeSupport (2.2); the other checks and
/// the partitioner follow with the partitioner issue (#5).

namespace qlower::targets {

struct ethos_u55 {
  static constexpr std::string_view name = "ethos-u55";
};

namespace detail {
inline constexpr dtype_set u55_int8_16_32{dtype::int8, dtype::int16, dtype::int32};
inline constexpr dtype_set u55_int8_16{dtype::int8, dtype::int16};
inline constexpr dtype_set u55_int8{dtype::int8};
}  // namespace detail

// Data movement in 8, 16 or 32 bits.
// without this, a float permute (moveaxis left unquantized) is "supported" and the seed-000 split
// is invisible
template <>
struct supported_dtypes<ethos_u55, ops::aten::permute_default> {
  static constexpr dtype_set value = detail::u55_int8_16_32;
};
template <>
struct supported_dtypes<ethos_u55, ops::aten::cat_default> {
  static constexpr dtype_set value = detail::u55_int8_16_32;
};
template <>
struct supported_dtypes<ethos_u55, ops::aten::expand_default> {
  static constexpr dtype_set value = detail::u55_int8_16_32;
};
template <>
struct supported_dtypes<ethos_u55, ops::aten::repeat_default> {
  static constexpr dtype_set value = detail::u55_int8_16_32;
};
template <>
struct supported_dtypes<ethos_u55, ops::aten::constant_pad_nd_default> {
  static constexpr dtype_set value = detail::u55_int8_16_32;
};
template <>
struct supported_dtypes<ethos_u55, ops::aten::view_default> {
  static constexpr dtype_set value = detail::u55_int8_16_32;
};

// Table ops (lowered to TOSA TABLE) and amax/amin in 8 or 16 bits.
#define QLOWER_U55_TABLE_OP(op_type)                        \
  template <>                                               \
  struct supported_dtypes<ethos_u55, ops::aten::op_type> {  \
    static constexpr dtype_set value = detail::u55_int8_16; \
  };
QLOWER_U55_TABLE_OP(ceil_default)
QLOWER_U55_TABLE_OP(erf_default)
QLOWER_U55_TABLE_OP(exp_default)
QLOWER_U55_TABLE_OP(expm1_default)
QLOWER_U55_TABLE_OP(erfinv_default)
QLOWER_U55_TABLE_OP(floor_default)
QLOWER_U55_TABLE_OP(log_default)
QLOWER_U55_TABLE_OP(log1p_default)
QLOWER_U55_TABLE_OP(log10_default)
QLOWER_U55_TABLE_OP(reciprocal_default)
QLOWER_U55_TABLE_OP(rsqrt_default)
QLOWER_U55_TABLE_OP(sigmoid_default)
QLOWER_U55_TABLE_OP(cos_default)
QLOWER_U55_TABLE_OP(sin_default)
QLOWER_U55_TABLE_OP(tanh_default)
QLOWER_U55_TABLE_OP(atan_default)
QLOWER_U55_TABLE_OP(atanh_default)
QLOWER_U55_TABLE_OP(hardsigmoid_default)
QLOWER_U55_TABLE_OP(hardswish_default)
QLOWER_U55_TABLE_OP(sinh_default)
QLOWER_U55_TABLE_OP(acosh_default)
QLOWER_U55_TABLE_OP(asin_default)
QLOWER_U55_TABLE_OP(asinh_default)
QLOWER_U55_TABLE_OP(cosh_default)
QLOWER_U55_TABLE_OP(acos_default)
QLOWER_U55_TABLE_OP(tan_default)
QLOWER_U55_TABLE_OP(silu_default)
QLOWER_U55_TABLE_OP(round_default)
QLOWER_U55_TABLE_OP(pow_Tensor_Scalar)
QLOWER_U55_TABLE_OP(gelu_default)
QLOWER_U55_TABLE_OP(elu_default)
QLOWER_U55_TABLE_OP(leaky_relu_default)
QLOWER_U55_TABLE_OP(remainder_Scalar)
QLOWER_U55_TABLE_OP(amax_default)
QLOWER_U55_TABLE_OP(amin_default)
#undef QLOWER_U55_TABLE_OP

// Convolution: an 8- or 16-bit input feature map (the int8 weight and int32 bias follow with #5).
template <>
struct supported_dtypes<ethos_u55, ops::aten::convolution_default> {
  static constexpr dtype_set value = detail::u55_int8_16;
};
// Matrix products: every input int8 (int16 matmul rejected since 2026-03).
template <>
struct supported_dtypes<ethos_u55, ops::aten::mm_default> {
  static constexpr dtype_set value = detail::u55_int8;
};
template <>
struct supported_dtypes<ethos_u55, ops::aten::bmm_default> {
  static constexpr dtype_set value = detail::u55_int8;
};

static_assert(target<ethos_u55>);
static_assert(declares_only_canonical_ops<ethos_u55>(),
              "an Ethos-U55 dtype restriction is declared on an alias or variant");

}  // namespace qlower::targets
