// SPDX-License-Identifier: Apache-2.0
// Affine quantization on fuzzed parameters and data: qparams validation,
// quantize_affine, dequantize_affine, their packed int4 forms and
// choose_qparams_affine, each against the naive reference
// (reference/quant/affine.hpp), on the header-only kernels and, when
// qlower::kernels is linked, on every compiled instruction set this machine
// has.
//
// Invariants: bad parameters give qparams_error, never a crash or another
// exception, and parameters that pass validation are good ones (positive
// normal scales, zero points in [qmin, qmax] within the dtype); a call is
// rejected exactly when the reference rejects its geometry, and a wrong
// storage type or buffer size is always rejected; every quantized value lies
// in [qmin, qmax]; every result equals the reference's bit for bit.
//
// The input, decoded with byte_reader: a header byte (operation, arithmetic,
// misuse), a seed, the dtype, the shape (rank <= 5, <= 4096 elements), the
// granularity with its scales and zero points (or choose_qparams' block sizes
// and options), then the elements; when the bytes run out, the elements come
// from a generator with the input's seed. scripts/make_fuzz_corpus.py
// encodes the seed corpus in this layout.

#include "reference/quant/affine.hpp"

#include <array>
#include <cfloat>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "fuzz/byte_reader.hpp"
#include "fuzz/check.hpp"
#include "qlower/core/shape.hpp"
#include "qlower/quant/arithmetic.hpp"
#include "qlower/quant/kernels/choose_qparams.hpp"
#include "qlower/quant/kernels/dequantize.hpp"
#include "qlower/quant/kernels/pack_int4.hpp"
#include "qlower/quant/kernels/quantize.hpp"
#include "qlower/quant/qparams.hpp"
#include "qlower/quant/quant_dtype.hpp"
#ifdef QLOWER_HAVE_KERNELS
#include "qlower/quant/kernels/dispatch.hpp"
#endif

namespace {

using namespace qlower::quant;
namespace ref = qlower::reference::quant;
using qlower::fuzz::byte_reader;

constexpr std::int64_t max_elements = 4096;

//===--- The kernel sets ---===//

struct header_only_kernels {
  static std::string name() { return std::string("header-only ") + xsimd::default_arch::name(); }
  template <class Mode, class Q>
  static void quantize(std::span<const float> in, const qlower::shape& s, const affine_qparams& p,
                       std::span<Q> out) {
    quantize_affine<Mode>(in, s, p, out);
  }
  template <class Q>
  static void dequantize(std::span<const Q> in, const qlower::shape& s, const affine_qparams& p,
                         std::span<float> out, dequantize_options options) {
    dequantize_affine(in, s, p, out, options);
  }
  template <class Mode>
  static void quantize_packed(std::span<const float> in, const qlower::shape& s,
                              const affine_qparams& p, std::span<std::uint8_t> out) {
    quantize_affine_packed<Mode>(in, s, p, out);
  }
  static void dequantize_packed(std::span<const std::uint8_t> in, const qlower::shape& s,
                                const affine_qparams& p, std::span<float> out) {
    dequantize_affine_packed(in, s, p, out);
  }
  static affine_qparams choose(std::span<const float> in, const qlower::shape& s,
                               std::span<const std::int64_t> block, mapping_type m, quant_dtype t,
                               choose_qparams_options options) {
    return choose_qparams_affine(in, s, block, m, t, options);
  }
};

#ifdef QLOWER_HAVE_KERNELS
template <class Arch>
struct compiled_kernels_on {
  using kernels = compiled_kernels<xsimd::arch_list<Arch>>;
  static std::string name() { return std::string("compiled ") + Arch::name(); }
  template <class Mode, class Q>
  static void quantize(std::span<const float> in, const qlower::shape& s, const affine_qparams& p,
                       std::span<Q> out) {
    kernels::template quantize_affine<Mode>(in, s, p, out);
  }
  template <class Q>
  static void dequantize(std::span<const Q> in, const qlower::shape& s, const affine_qparams& p,
                         std::span<float> out, dequantize_options options) {
    kernels::dequantize_affine(in, s, p, out, options);
  }
  template <class Mode>
  static void quantize_packed(std::span<const float> in, const qlower::shape& s,
                              const affine_qparams& p, std::span<std::uint8_t> out) {
    kernels::template quantize_affine_packed<Mode>(in, s, p, out);
  }
  static void dequantize_packed(std::span<const std::uint8_t> in, const qlower::shape& s,
                                const affine_qparams& p, std::span<float> out) {
    kernels::dequantize_affine_packed(in, s, p, out);
  }
  static affine_qparams choose(std::span<const float> in, const qlower::shape& s,
                               std::span<const std::int64_t> block, mapping_type m, quant_dtype t,
                               choose_qparams_options options) {
    return kernels::choose_qparams_affine(in, s, block, m, t, options);
  }
};
#endif

template <class Visit>
void for_each_kernel_set(Visit&& visit) {
  visit(header_only_kernels{});
#ifdef QLOWER_HAVE_KERNELS
  if (qlower::quant::machine_has<xsimd::avx512bw>())
    visit(compiled_kernels_on<xsimd::avx512bw>{});
  if (qlower::quant::machine_has<xsimd::fma3<xsimd::avx2>>())
    visit(compiled_kernels_on<xsimd::fma3<xsimd::avx2>>{});
  if (qlower::quant::machine_has<xsimd::sse4_2>())
    visit(compiled_kernels_on<xsimd::sse4_2>{});
  visit(compiled_kernels_on<xsimd::sse2>{});
#endif
}

/// Calls f(Q{}) with the storage type of `type`.
template <class F>
void with_storage(quant_dtype type, F&& f) {
  switch (type) {
    case quant_dtype::int8:
    case quant_dtype::int4:
    case quant_dtype::int2:
      return f(std::int8_t{});
    case quant_dtype::uint8:
    case quant_dtype::uint4:
    case quant_dtype::uint2:
      return f(std::uint8_t{});
    case quant_dtype::int16:
      return f(std::int16_t{});
    case quant_dtype::uint16:
      return f(std::uint16_t{});
    case quant_dtype::int32:
      return f(std::int32_t{});
  }
}

/// Calls f(Q{}) with a storage type that does NOT hold `type`.
template <class F>
void with_wrong_storage(quant_dtype type, F&& f) {
  if (stores<std::int16_t>(type))
    return f(std::int32_t{});
  return f(std::int16_t{});
}

//===--- Checks ---===//

std::uint32_t bits(float value) {
  std::uint32_t result = 0;
  std::memcpy(&result, &value, sizeof result);
  return result;
}

std::string float_text_bits(float value) {
  return float_text(value) + " (0x" + [&] {
    char text[16];
    std::snprintf(text, sizeof text, "%08x", static_cast<unsigned>(bits(value)));
    return std::string(text);
  }() + ")";
}

/// Calls body(): true when it throws qparams_error, false when it returns.
/// Any other exception, a qlower::error of another type included, is a finding.
template <class Body>
bool throws_qparams_error(const char* stage, Body&& body) {
  try {
    body();
    return false;
  } catch (const qparams_error&) {
    return true;
  } catch (const std::exception& caught) {
    qlower::fuzz::fail_on_exception(stage, &caught);
  } catch (...) {
    qlower::fuzz::fail_on_exception(stage, nullptr);
  }
}

/// Parameters that passed validation are good ones.
void check_valid(const affine_qparams& p) {
  const quant_dtype_info& row = info(p.dtype());
  QLOWER_FUZZ_CHECK(row.min <= p.qmin() && p.qmin() <= p.qmax() && p.qmax() <= row.max,
                    "accepted [qmin, qmax] = [" + std::to_string(p.qmin()) + ", " +
                        std::to_string(p.qmax()) + "] for " + std::string(row.name));
  QLOWER_FUZZ_CHECK(!p.scale().empty() && static_cast<std::int64_t>(p.scale().size()) ==
                                              p.scale_shape().element_count(),
                    "accepted a scale whose shape does not hold its values");
  for (std::size_t i = 0; i < p.scale().size(); ++i) {
    QLOWER_FUZZ_CHECK(
        std::isnormal(p.scale()[i]) && p.scale()[i] > 0.0f,
        "accepted scale[" + std::to_string(i) + "] = " + float_text_bits(p.scale()[i]));
  }
  QLOWER_FUZZ_CHECK(p.zero_point().empty() || p.zero_point().size() == p.scale().size(),
                    "accepted a zero point of another size than the scale");
  for (std::size_t i = 0; i < p.zero_point().size(); ++i) {
    QLOWER_FUZZ_CHECK(
        p.qmin() <= p.zero_point()[i] && p.zero_point()[i] <= p.qmax(),
        "accepted zero_point[" + std::to_string(i) + "] = " + std::to_string(p.zero_point()[i]));
  }
}

/// The reference's parameters for `p` on `dims`, derived from the rules of
/// qparams.hpp without its layout code: a one-element scale without block
/// sizes is per tensor at any rank; explicit block sizes are taken as they
/// are; otherwise block_size[i] = input[i] / scale[i] (the whole dimension
/// for a scale of 1), which the reference's check rejects exactly when the
/// scale does not divide the input.
ref::params reference_params(const affine_qparams& p, const std::vector<std::int64_t>& dims,
                             bool onnx) {
  ref::params r;
  r.input_dims = dims;
  r.scale.assign(p.scale().begin(), p.scale().end());
  r.zero_point.assign(p.zero_point().begin(), p.zero_point().end());
  r.qmin = p.qmin();
  r.qmax = p.qmax();
  r.onnx_division = onnx;
  const auto scale_dims = p.scale_shape().dims();
  if (p.scale().size() == 1 && !p.explicit_block_size()) {
    r.scale_dims.assign(dims.size(), 1);
    for (std::int64_t dim : dims)
      r.block_size.push_back(dim < 1 ? 1 : dim);
    return r;
  }
  r.scale_dims.assign(scale_dims.begin(), scale_dims.end());
  if (p.explicit_block_size()) {
    r.block_size = *p.explicit_block_size();
    return r;
  }
  if (scale_dims.size() != dims.size()) {
    r.block_size.assign(scale_dims.size(), 1);  // the rank mismatch fails the reference's check
    return r;
  }
  for (std::size_t i = 0; i < dims.size(); ++i) {
    const std::int64_t scales = scale_dims[i];
    r.block_size.push_back(scales == 1   ? (dims[i] < 1 ? 1 : dims[i])
                           : scales == 0 ? 0
                                         : dims[i] / scales);
  }
  return r;
}

template <class Call>
bool reference_accepts(Call&& call) {
  try {
    call();
    return true;
  } catch (const std::invalid_argument&) {
    return false;
  }
}

//===--- Decoding ---===//

/// An xorshift generator for the elements the bytes do not cover.
struct xorshift {
  std::uint32_t state;
  std::uint32_t next() noexcept {
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    return state;
  }
};

constexpr std::array<float, 16> scale_table{1.0f,
                                            0.5f,
                                            0.25f,
                                            0.1f,
                                            1e-3f,
                                            0.0078125f,
                                            3.0f,
                                            1e-30f,
                                            FLT_MIN,
                                            1e30f,
                                            3.4e38f,
                                            0.0f,
                                            -1.0f,
                                            1e-40f /* subnormal */,
                                            std::numeric_limits<float>::infinity(),
                                            std::numeric_limits<float>::quiet_NaN()};

float decode_scale(byte_reader& in) {
  switch (in.in_range<int>(0, 7)) {
    case 0:
      return in.f32_bits();
    case 1:
      return scale_table[in.in_range<std::size_t>(0, scale_table.size() - 1)];
    case 2:  // a power of two: quantize has exact ties
      return std::ldexp(1.0f, in.in_range<int>(-20, 20));
    default:
      return scale_table[in.in_range<std::size_t>(0, 10)];  // valid ones
  }
}

struct range_choice {
  std::optional<std::int64_t> qmin, qmax;
};

range_choice decode_range(byte_reader& in, quant_dtype type) {
  const quant_dtype_info& row = info(type);
  constexpr std::array<std::int64_t, 8> odd{
      -129, 256, 70000, -1, 0, 2147483648LL, std::numeric_limits<std::int64_t>::min(), 15};
  switch (in.in_range<int>(0, 3)) {
    case 2: {
      const auto low = in.in_range<std::int64_t>(row.min, row.max);
      return {low, in.in_range<std::int64_t>(low, row.max)};
    }
    case 3:
      return {in.boolean() ? std::optional(in.pick(odd)) : std::nullopt,
              in.boolean() ? std::optional(in.pick(odd)) : std::nullopt};
    default:
      return {};
  }
}

std::vector<std::int64_t> decode_dims(byte_reader& in) {
  constexpr std::array<std::int64_t, 16> dim_table{1,  2,  3,  4,  5,  7, 8, 16,
                                                   17, 31, 32, 33, 64, 0, 1, 128};
  std::vector<std::int64_t> dims(in.in_range<std::size_t>(0, 5));
  std::int64_t count = 1;
  for (std::int64_t& dim : dims) {
    dim = in.pick(dim_table);
    if (dim > 0 && count * dim > max_elements)
      dim = std::max<std::int64_t>(1, max_elements / count);
    count *= dim == 0 ? 1 : dim;
  }
  return dims;
}

std::int64_t divisor_of(byte_reader& in, std::int64_t dim) {
  std::vector<std::int64_t> divisors;
  for (std::int64_t d = 1; d <= dim; ++d) {
    if (dim % d == 0)
      divisors.push_back(d);
  }
  return divisors.empty() ? 1 : divisors[in.in_range<std::size_t>(0, divisors.size() - 1)];
}

/// Decodes parameters for a tensor of `dims`; nothing when they are too large
/// to bother with. Construction may throw qparams_error: that is the point.
struct qparams_recipe {
  int granularity = 0;
  std::vector<std::int64_t> scale_dims;
  std::vector<float> scale;
  std::vector<std::int32_t> zero_point;
  bool has_zero_point = false;
  range_choice range;
  std::size_t axis = 0;
  std::vector<std::int64_t> block_size;
};

std::optional<qparams_recipe> decode_qparams(byte_reader& in, quant_dtype type,
                                             const std::vector<std::int64_t>& dims) {
  qparams_recipe recipe;
  recipe.granularity = in.in_range<int>(0, 4);
  switch (recipe.granularity) {
    case 0:  // per tensor, a singleton
      break;
    case 1:  // a full-rank scale shape: 1, the dimension, a divisor, or anything
      for (std::int64_t dim : dims) {
        const int choice = in.in_range<int>(0, 3);
        recipe.scale_dims.push_back(choice == 0   ? 1
                                    : choice == 1 ? dim
                                    : choice == 2 ? divisor_of(in, dim)
                                                  : in.in_range<std::int64_t>(0, 8));
      }
      break;
    case 2:  // per channel on an axis, sometimes one out of range
      recipe.axis = in.in_range<std::size_t>(0, dims.size());
      recipe.scale_dims = {recipe.axis < dims.size() && in.in_range<int>(0, 3) != 0
                               ? dims[recipe.axis]
                               : in.in_range<std::int64_t>(0, 8)};
      break;
    case 3:  // explicit block sizes (ONNX's blocked form), partial last blocks
      for (std::int64_t dim : dims) {
        const std::int64_t block =
            in.in_range<int>(0, 7) == 0
                ? in.in_range<std::int64_t>(-1, 3)
                : in.in_range<std::int64_t>(1, std::max<std::int64_t>(dim, 1));
        recipe.block_size.push_back(block);
        recipe.scale_dims.push_back(block < 1 ? 1 : dim == 0 ? 1 : (dim + block - 1) / block);
        if (in.in_range<int>(0, 15) == 0)
          recipe.scale_dims.back() += 1;
      }
      break;
    default: {  // any shape at all
      recipe.scale_dims.resize(in.in_range<std::size_t>(0, 5));
      for (std::int64_t& dim : recipe.scale_dims)
        dim = in.in_range<std::int64_t>(0, 4);
    }
  }
  std::int64_t count = 1;
  for (std::int64_t dim : recipe.scale_dims)
    count *= dim;
  if (count > max_elements)
    return std::nullopt;
  recipe.range = decode_range(in, type);
  const quant_dtype_info& row = info(type);
  const std::int64_t qmin = recipe.range.qmin.value_or(row.min);
  const std::int64_t qmax = recipe.range.qmax.value_or(row.max);
  recipe.has_zero_point = in.boolean();
  const std::int64_t scales = recipe.granularity == 0 ? 1 : count;
  for (std::int64_t s = 0; s < scales; ++s) {
    recipe.scale.push_back(decode_scale(in));
    if (!recipe.has_zero_point)
      continue;
    if (in.in_range<int>(0, 7) == 0 || qmin > qmax)
      recipe.zero_point.push_back(static_cast<std::int32_t>(in.u32()));
    else
      recipe.zero_point.push_back(static_cast<std::int32_t>(in.in_range<std::int64_t>(
          std::max<std::int64_t>(qmin, std::numeric_limits<std::int32_t>::min()),
          std::min<std::int64_t>(qmax, std::numeric_limits<std::int32_t>::max()))));
  }
  if (recipe.has_zero_point && in.in_range<int>(0, 15) == 0)
    recipe.zero_point.push_back(0);  // one zero point too many
  return recipe;
}

affine_qparams make_qparams(const qparams_recipe& recipe, quant_dtype type, std::size_t rank) {
  switch (recipe.granularity) {
    case 0:
      return affine_qparams(
          recipe.scale.front(),
          recipe.has_zero_point ? std::optional(recipe.zero_point.front()) : std::nullopt, type,
          recipe.range.qmin, recipe.range.qmax);
    case 2:
      return affine_qparams::per_channel(recipe.scale, recipe.zero_point, recipe.axis, rank, type,
                                         recipe.range.qmin, recipe.range.qmax);
    case 3:
      return affine_qparams(qlower::shape(recipe.scale_dims), recipe.scale, recipe.zero_point, type,
                            recipe.range.qmin, recipe.range.qmax)
          .with_block_size(recipe.block_size);
    default:
      return affine_qparams(qlower::shape(recipe.scale_dims), recipe.scale, recipe.zero_point, type,
                            recipe.range.qmin, recipe.range.qmax);
  }
}

float decode_element(std::uint32_t word, float scale) {
  const auto k = static_cast<float>(static_cast<std::int16_t>(word >> 8) % 400);
  switch (word % 8) {
    case 0:
      return (k + 0.5f) * scale;  // a tie
    case 1:
      return k * scale;
    case 2: {
      float raw = 0.0f;
      std::memcpy(&raw, &word, sizeof raw);
      return raw;
    }
    case 3: {
      constexpr std::array<float, 8> special{std::numeric_limits<float>::infinity(),
                                             -std::numeric_limits<float>::infinity(),
                                             std::numeric_limits<float>::quiet_NaN(),
                                             3.4e38f,
                                             -3.4e38f,
                                             -0.0f,
                                             2147483520.0f,
                                             -2147483648.0f};
      return special[(word >> 8) % special.size()];
    }
    default:
      return (k / 7.0f) * scale;
  }
}

std::vector<float> decode_elements(byte_reader& in, std::int64_t count, float scale,
                                   std::uint32_t seed) {
  std::vector<float> values(static_cast<std::size_t>(count));
  xorshift generator{seed | 1U};
  for (float& value : values)
    value = decode_element(in.remaining() >= 4 ? in.u32() : generator.next(), scale);
  return values;
}

template <class Q>
std::vector<Q> decode_stored(byte_reader& in, std::int64_t count, std::uint32_t seed) {
  std::vector<Q> values(static_cast<std::size_t>(count));
  xorshift generator{seed | 1U};
  for (Q& value : values) {
    std::uint32_t word = 0;
    if (in.remaining() >= sizeof(Q)) {
      for (std::size_t b = 0; b < sizeof(Q); ++b)
        word |= static_cast<std::uint32_t>(in.u8()) << (8 * b);
    } else {
      word = generator.next();
    }
    value = static_cast<Q>(word);
  }
  return values;
}

//===--- The operations ---===//

enum class misuse { none, wrong_storage, wrong_output_size, wrong_input_size };

template <class Mode>
void quantize_and_back(const affine_qparams& p, const std::vector<std::int64_t>& dims,
                       const std::vector<float>& input, misuse wrong) {
  const qlower::shape shape(dims);
  const auto count = static_cast<std::size_t>(shape.element_count());
  const bool onnx = std::is_same_v<Mode, onnx_arithmetic>;
  const ref::params rp = reference_params(p, dims, onnx);
  std::vector<std::int64_t> expected;
  const bool reference_ok = reference_accepts([&] { expected = ref::quantize(rp, input); });

  if (wrong == misuse::wrong_storage) {
    with_wrong_storage(p.dtype(), [&]<class Q>(Q) {
      std::vector<Q> out(count);
      QLOWER_FUZZ_CHECK(throws_qparams_error("quantize_affine",
                                             [&] {
                                               quantize_affine<Mode>(std::span<const float>(input),
                                                                     shape, p, std::span<Q>(out));
                                             }),
                        "quantize_affine wrote " + std::string(to_string(p.dtype())) +
                            " values into a storage type that does not hold them");
    });
    return;
  }
  with_storage(p.dtype(), [&]<class Q>(Q) {
    for_each_kernel_set([&]<class Kernels>(Kernels) {
      std::vector<Q> out(count + (wrong == misuse::wrong_output_size ? 1 : 0),
                         static_cast<Q>(0x5a));
      const std::span<const float> in_span =
          wrong == misuse::wrong_input_size && !input.empty()
              ? std::span<const float>(input).first(input.size() - 1)
              : std::span<const float>(input);
      if (wrong == misuse::wrong_input_size && input.empty())
        return;
      const bool rejected = throws_qparams_error("quantize_affine", [&] {
        Kernels::template quantize<Mode>(in_span, shape, p, std::span<Q>(out));
      });
      if (wrong != misuse::none) {
        QLOWER_FUZZ_CHECK(rejected, Kernels::name() + ": quantize_affine accepted " +
                                        std::to_string(in_span.size()) + " inputs and " +
                                        std::to_string(out.size()) + " outputs for shape " +
                                        shape.to_string());
        return;
      }
      QLOWER_FUZZ_CHECK(rejected != reference_ok,
                        Kernels::name() + ": quantize_affine " +
                            (rejected ? "rejected" : "accepted") + " parameters of scale shape " +
                            p.scale_shape().to_string() + " for input " + shape.to_string() +
                            " that the reference " + (reference_ok ? "accepts" : "rejects"));
      if (rejected)
        return;
      for (std::size_t i = 0; i < count; ++i) {
        const auto value = static_cast<std::int64_t>(out[i]);
        QLOWER_FUZZ_CHECK(p.qmin() <= value && value <= p.qmax(),
                          Kernels::name() + ": element " + std::to_string(i) + " quantized to " +
                              std::to_string(value) + " outside [qmin, qmax] = [" +
                              std::to_string(p.qmin()) + ", " + std::to_string(p.qmax()) + "]");
        QLOWER_FUZZ_CHECK(value == expected[i],
                          Kernels::name() + ": element " + std::to_string(i) + " = " +
                              float_text_bits(input[i]) + " quantized to " + std::to_string(value) +
                              ", the reference gives " + std::to_string(expected[i]) +
                              (onnx ? " (onnx)" : " (torchao)"));
      }
      // and back, streamed or not
      const std::vector<Q> stored(out.begin(), out.end());
      const std::vector<float> back_expected = ref::dequantize(rp, stored);
      for (const std::int64_t stream_from : {std::int64_t{0}, std::int64_t{1}}) {
        std::vector<float> back(count, -7.0f);
        Kernels::dequantize(std::span<const Q>(stored), shape, p, std::span<float>(back),
                            dequantize_options{stream_from});
        for (std::size_t i = 0; i < count; ++i) {
          QLOWER_FUZZ_CHECK(bits(back[i]) == bits(back_expected[i]),
                            Kernels::name() + ": element " + std::to_string(i) + " = " +
                                std::to_string(static_cast<std::int64_t>(stored[i])) +
                                " dequantized to " + float_text_bits(back[i]) +
                                ", the reference gives " + float_text_bits(back_expected[i]));
        }
      }
    });
  });
}

void dequantize_raw(const affine_qparams& p, const std::vector<std::int64_t>& dims, byte_reader& in,
                    std::uint32_t seed) {
  const qlower::shape shape(dims);
  const ref::params rp = reference_params(p, dims, false);
  with_storage(p.dtype(), [&]<class Q>(Q) {
    const std::vector<Q> stored = decode_stored<Q>(in, shape.element_count(), seed);
    std::vector<float> expected;
    const bool reference_ok = reference_accepts([&] { expected = ref::dequantize(rp, stored); });
    for_each_kernel_set([&]<class Kernels>(Kernels) {
      std::vector<float> out(stored.size(), -7.0f);
      const bool rejected = throws_qparams_error("dequantize_affine", [&] {
        Kernels::dequantize(std::span<const Q>(stored), shape, p, std::span<float>(out),
                            dequantize_options{});
      });
      QLOWER_FUZZ_CHECK(rejected != reference_ok,
                        Kernels::name() +
                            ": dequantize_affine and the reference disagree on "
                            "scale shape " +
                            p.scale_shape().to_string() + " for input " + shape.to_string());
      if (rejected)
        return;
      for (std::size_t i = 0; i < stored.size(); ++i) {
        QLOWER_FUZZ_CHECK(bits(out[i]) == bits(expected[i]),
                          Kernels::name() + ": element " + std::to_string(i) + " = " +
                              std::to_string(static_cast<std::int64_t>(stored[i])) +
                              " dequantized to " + float_text_bits(out[i]) +
                              ", the reference gives " + float_text_bits(expected[i]));
      }
    });
  });
}

template <class Mode>
void packed(const affine_qparams& p, const std::vector<std::int64_t>& dims,
            const std::vector<float>& input, std::uint32_t seed) {
  const qlower::shape shape(dims);
  const auto count = static_cast<std::size_t>(shape.element_count());
  const std::size_t bytes = (count + 1) / 2;
  const bool is_4bit = p.dtype() == quant_dtype::int4 || p.dtype() == quant_dtype::uint4;
  const bool is_signed = p.dtype() == quant_dtype::int4;
  const ref::params rp = reference_params(p, dims, std::is_same_v<Mode, onnx_arithmetic>);
  std::vector<std::int64_t> values;
  const bool reference_ok = reference_accepts([&] { values = ref::quantize(rp, input); });
  // packed bytes as a producer may have left them: any nibble, any last high nibble
  std::vector<std::uint8_t> raw(bytes);
  xorshift generator{~seed | 1U};
  for (std::uint8_t& byte : raw)
    byte = static_cast<std::uint8_t>(generator.next());
  for_each_kernel_set([&]<class Kernels>(Kernels) {
    std::vector<std::uint8_t> out(bytes, 0xa5);
    const bool rejected = throws_qparams_error("quantize_affine_packed", [&] {
      Kernels::template quantize_packed<Mode>(std::span<const float>(input), shape, p,
                                              std::span<std::uint8_t>(out));
    });
    QLOWER_FUZZ_CHECK(rejected == (!is_4bit || !reference_ok),
                      Kernels::name() + ": quantize_affine_packed " +
                          (rejected ? "rejected" : "accepted") + " " +
                          std::string(to_string(p.dtype())) + " parameters of scale shape " +
                          p.scale_shape().to_string() + " for input " + shape.to_string());
    if (rejected)
      return;
    const std::vector<std::uint8_t> expected = ref::pack_int4(values, is_signed);
    QLOWER_FUZZ_CHECK(out == expected, Kernels::name() +
                                           ": quantize_affine_packed differs from "
                                           "the reference's packed values");
    for (const std::vector<std::uint8_t>* source : {&out, &raw}) {
      const std::vector<std::int32_t> unpacked = ref::unpack_int4(*source, count, is_signed);
      const std::vector<float> back_expected = ref::dequantize(rp, unpacked);
      std::vector<float> back(count, -7.0f);
      Kernels::dequantize_packed(std::span<const std::uint8_t>(*source), shape, p,
                                 std::span<float>(back));
      for (std::size_t i = 0; i < count; ++i) {
        QLOWER_FUZZ_CHECK(bits(back[i]) == bits(back_expected[i]),
                          Kernels::name() + ": packed element " + std::to_string(i) + " = " +
                              std::to_string(unpacked[i]) + " dequantized to " +
                              float_text_bits(back[i]) + ", the reference gives " +
                              float_text_bits(back_expected[i]));
      }
    }
  });
}

void choose(byte_reader& in, quant_dtype type, const std::vector<std::int64_t>& dims,
            std::uint32_t seed) {
  std::vector<std::int64_t> block;
  for (std::int64_t dim : dims) {
    switch (in.in_range<int>(0, 3)) {
      case 0:
        block.push_back(dim);
        break;
      case 1:
        block.push_back(1);
        break;
      case 2:
        block.push_back(divisor_of(in, dim));
        break;
      default:
        block.push_back(in.in_range<std::int64_t>(-1, dim + 1));
    }
  }
  if (in.in_range<int>(0, 15) == 0)
    block.push_back(1);  // a rank mismatch
  const auto mapping = static_cast<mapping_type>(in.in_range<int>(0, 2));
  choose_qparams_options options;
  const range_choice range = decode_range(in, type);
  options.qmin = range.qmin;
  options.qmax = range.qmax;
  if (in.in_range<int>(0, 3) == 0) {
    constexpr std::array<float, 8> eps{1e-10f,
                                       FLT_MIN,
                                       0.0f,
                                       -1.0f,
                                       1e-40f,
                                       1.0f,
                                       std::numeric_limits<float>::infinity(),
                                       std::numeric_limits<float>::quiet_NaN()};
    options.eps = in.boolean() ? in.pick(eps) : in.f32_bits();
  }
  const quant_dtype_info& row = info(type);
  const qlower::shape shape(dims);
  const float magnitude = decode_scale(in);
  const std::vector<float> input = decode_elements(in, shape.element_count(), magnitude, seed);
  for_each_kernel_set([&]<class Kernels>(Kernels) {
    std::optional<affine_qparams> chosen;
    if (throws_qparams_error("choose_qparams_affine", [&] {
          chosen = Kernels::choose(std::span<const float>(input), shape,
                                   std::span<const std::int64_t>(block), mapping, type, options);
        }))
      return;
    check_valid(*chosen);
    ref::params expected;
    const bool reference_ok = reference_accepts([&] {
      expected = ref::choose_qparams(dims, input, block,
                                     mapping == mapping_type::symmetric ? ref::mapping::symmetric
                                     : mapping == mapping_type::symmetric_no_clipping_err
                                         ? ref::mapping::symmetric_no_clipping_err
                                         : ref::mapping::asymmetric,
                                     options.qmin.value_or(row.min), options.qmax.value_or(row.max),
                                     options.eps.value_or(FLT_MIN));
    });
    QLOWER_FUZZ_CHECK(reference_ok, Kernels::name() +
                                        ": choose_qparams_affine chose parameters for a call "
                                        "the reference rejects");
    const auto scale_dims = chosen->scale_shape().dims();
    QLOWER_FUZZ_CHECK(
        std::vector<std::int64_t>(scale_dims.begin(), scale_dims.end()) == expected.scale_dims,
        Kernels::name() + ": chose scale shape " + chosen->scale_shape().to_string());
    for (std::size_t i = 0; i < expected.scale.size(); ++i) {
      QLOWER_FUZZ_CHECK(bits(chosen->scale()[i]) == bits(expected.scale[i]) &&
                            chosen->zero_point()[i] == expected.zero_point[i],
                        Kernels::name() + ": block " + std::to_string(i) + " scale " +
                            float_text_bits(chosen->scale()[i]) + " zero point " +
                            std::to_string(chosen->zero_point()[i]) + ", the reference " +
                            float_text_bits(expected.scale[i]) + " zero point " +
                            std::to_string(expected.zero_point[i]));
    }
  });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  byte_reader in(data, size);
  const std::uint8_t header = in.u8();
  const int operation = header % 4;
  const bool onnx = (header & 4U) != 0;
  const auto wrong = static_cast<misuse>((header >> 3) % 8 < 4 ? (header >> 3) % 8 : 0);
  const std::uint32_t seed = in.u32();
  const quant_dtype type = in.pick(all_quant_dtypes);
  const std::vector<std::int64_t> dims = decode_dims(in);

  if (operation == 3) {
    choose(in, type, dims, seed);
    return 0;
  }

  const std::optional<qparams_recipe> recipe = decode_qparams(in, type, dims);
  if (!recipe)
    return 0;
  std::optional<affine_qparams> p;
  if (throws_qparams_error("affine_qparams", [&] { p = make_qparams(*recipe, type, dims.size()); }))
    return 0;
  check_valid(*p);

  switch (operation) {
    case 0: {
      const std::vector<float> input =
          decode_elements(in, qlower::shape(dims).element_count(), p->scale().front(), seed);
      if (onnx)
        quantize_and_back<onnx_arithmetic>(*p, dims, input, wrong);
      else
        quantize_and_back<torchao_arithmetic>(*p, dims, input, wrong);
      break;
    }
    case 1:
      dequantize_raw(*p, dims, in, seed);
      break;
    default: {
      const std::vector<float> input =
          decode_elements(in, qlower::shape(dims).element_count(), p->scale().front(), seed);
      if (onnx)
        packed<onnx_arithmetic>(*p, dims, input, seed);
      else
        packed<torchao_arithmetic>(*p, dims, input, seed);
    }
  }
  return 0;
}
