// SPDX-License-Identifier: Apache-2.0
#include "qlower/quant/fuse_multiplier.hpp"

#include <rapidcheck/catch.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "harness/message_contains.hpp"
#include "qlower/quant/kernels/dequantize.hpp"
#include "qlower/quant/kernels/quantize.hpp"

// The fold of affine-quant.md section 7 (FuseMulIntoLinear) checked the way
// scenarios.md row 002 states it: a linear with per-channel int8 weights
// (scale [K, 1]) followed by a multiply by a constant [K] factor, fused, must
// keep the scale [K, 1] and match the unfused pair to within one quantization
// step of the output; the naive broadcast of seed 002 ([K] against [K, 1]
// gives [K, K]) must be caught.
//
// The bound. Both sides are evaluated here with double accumulation, so the
// only roundings that differ are the float32 ones of the weights and the fold:
//   unfused y = m * (sum_n fl(d * s) * x_n + b)             d = q - zp, exact
//   fused   y' = sum_n fl(d' * fl(s * |m|)) * x_n + fl(b * m),  d' = sign(m) d
// With u = 2^-24 (float32 unit roundoff), fl(d s) = d s (1 + e1) and
// fl(d' fl(s |m|)) = m d s (1 + e2)(1 + e3), |e_i| <= u, so each weight term
// differs by at most (3u + u^2) |m| |w x| and the bias by u |m b|. The double
// sums add at most (N + 2) 2^-53 of the same magnitudes, far below the u of
// slack left in
//   |y' - y| <= 4u |m| (sum_n |w_n x_n| + |b|)                          (B)
// (m = 0 gives 0 on both sides exactly). One quantization step of the output
// is its scale, max |y| / 127.5 for a symmetric int8 output (torchao's
// choose_qparams, clamped to its eps 2^-23). For the scenario's sizes B is
// about 1e-4 of a step (checked below), so "within one step" holds with room
// to spare; the tests check B itself, which a wrong fold cannot meet.

namespace {

using qlower::shape;
using qlower::quant::affine_qparams;
using qlower::quant::fuse_multiplier;
using qlower::quant::fused_weight;
using qlower::quant::fusion_error;
using qlower::quant::qparams_error;
using qlower::quant::quant_dtype;

constexpr double unit_roundoff = 0x1p-24;

using qlower::harness::message_contains;

template <class Q>
std::vector<float> dequantize(const std::vector<Q>& q, const shape& s, const affine_qparams& p) {
  std::vector<float> out(q.size(), std::numeric_limits<float>::quiet_NaN());
  qlower::quant::dequantize_affine(std::span<const Q>(q), s, p, std::span<float>(out));
  return out;
}

/// y[b][k] = sum_n w[k][n] * x[b][n] + bias[k], accumulated in double; w is [K, inputs].
std::vector<double> linear(const std::vector<float>& w, std::int64_t channels,
                           const std::vector<float>& x, const std::vector<float>* bias) {
  const std::size_t k_count = static_cast<std::size_t>(channels);
  const std::size_t inputs = w.size() / k_count;
  const std::size_t batch = x.size() / inputs;
  std::vector<double> y(batch * k_count, 0.0);
  for (std::size_t b = 0; b < batch; ++b) {
    for (std::size_t k = 0; k < k_count; ++k) {
      double sum = bias != nullptr ? static_cast<double>((*bias)[k]) : 0.0;
      for (std::size_t n = 0; n < inputs; ++n)
        sum += static_cast<double>(w[k * inputs + n]) * static_cast<double>(x[b * inputs + n]);
      y[b * k_count + k] = sum;
    }
  }
  return y;
}

/// The bound (B) of the file comment for every output y[b][k].
std::vector<double> fold_bound(const std::vector<float>& w, std::int64_t channels,
                               const std::vector<float>& x, const std::vector<float>* bias,
                               const std::vector<float>& m) {
  const std::size_t k_count = static_cast<std::size_t>(channels);
  const std::size_t inputs = w.size() / k_count;
  const std::size_t batch = x.size() / inputs;
  std::vector<double> bound(batch * k_count, 0.0);
  for (std::size_t b = 0; b < batch; ++b) {
    for (std::size_t k = 0; k < k_count; ++k) {
      double magnitude = bias != nullptr ? std::fabs(static_cast<double>((*bias)[k])) : 0.0;
      for (std::size_t n = 0; n < inputs; ++n)
        magnitude += std::fabs(static_cast<double>(w[k * inputs + n]) * x[b * inputs + n]);
      const double factor = std::fabs(static_cast<double>(m.size() == 1 ? m[0] : m[k]));
      bound[b * k_count + k] = 4.0 * unit_roundoff * factor * magnitude;
    }
  }
  return bound;
}

/// One step of a symmetric int8 output quantization of `y` (torchao's choose_qparams).
double output_step(const std::vector<double>& y) {
  double largest = 0.0;
  for (double value : y)
    largest = std::max(largest, std::fabs(value));
  return std::max(largest / 127.5, 0x1p-23);
}

/// The unfused pair: m * (linear(dequantize(weight)) + bias), per output channel.
std::vector<double> unfused(const std::vector<double>& linear_out, std::size_t channels,
                            const std::vector<float>& m) {
  std::vector<double> y = linear_out;
  for (std::size_t i = 0; i < y.size(); ++i)
    y[i] *= static_cast<double>(m.size() == 1 ? m[0] : m[i % channels]);
  return y;
}

/// NumPy broadcasting of a * |b| (right-aligned shapes, size-1 dims stretch),
/// zero factors giving 1: what seed 002's pass computed for weight_scale *
/// |m| before the fix. Test-only; the library never broadcasts the factor.
std::vector<float> naive_broadcast_scale(const std::vector<float>& a,
                                         std::vector<std::int64_t> a_dims,
                                         const std::vector<float>& b,
                                         std::vector<std::int64_t> b_dims,
                                         std::vector<std::int64_t>& out_dims) {
  const std::size_t rank = std::max(a_dims.size(), b_dims.size());
  a_dims.insert(a_dims.begin(), rank - a_dims.size(), 1);
  b_dims.insert(b_dims.begin(), rank - b_dims.size(), 1);
  out_dims.assign(rank, 1);
  for (std::size_t i = 0; i < rank; ++i)
    out_dims[i] = std::max(a_dims[i], b_dims[i]);
  const shape out_shape(out_dims);
  std::vector<float> out(static_cast<std::size_t>(out_shape.element_count()));
  for (std::size_t flat = 0; flat < out.size(); ++flat) {
    std::size_t rest = flat, a_index = 0, b_index = 0, a_stride = 1, b_stride = 1;
    for (std::size_t i = rank; i-- > 0;) {
      const std::size_t index = rest % static_cast<std::size_t>(out_dims[i]);
      rest /= static_cast<std::size_t>(out_dims[i]);
      a_index += (a_dims[i] == 1 ? 0 : index) * a_stride;
      b_index += (b_dims[i] == 1 ? 0 : index) * b_stride;
      a_stride *= static_cast<std::size_t>(a_dims[i]);
      b_stride *= static_cast<std::size_t>(b_dims[i]);
    }
    out[flat] = b[b_index] == 0.0f ? 1.0f : a[a_index] * std::fabs(b[b_index]);
  }
  return out;
}

/// What check_fold found: the first rule broken (empty when all held) and the
/// largest |fused - unfused| in output steps.
struct fold_report {
  std::string failure;
  double worst_steps = 0.0;
};

// Records the first broken rule with the index it broke at, and stops: usable
// both from a RapidCheck property and from a Catch2 test case.
#define FOLD_EXPECT(condition, index)                                              \
  do {                                                                             \
    if (!(condition)) {                                                            \
      report.failure = "broken: " #condition " at index " + std::to_string(index); \
      return report;                                                               \
    }                                                                              \
  } while (false)

/// Everything a fold is checked against: the integer rules of section 7, the
/// weights element by element, and the linear's outputs against bound (B).
template <class Q>
fold_report check_fold(const std::vector<Q>& q, const shape& weight_shape, const affine_qparams& p,
                       const std::vector<float>* bias, const std::vector<float>& m,
                       const std::vector<float>& x) {
  fold_report report;
  const std::int64_t channels = weight_shape[0];
  const std::size_t k_count = static_cast<std::size_t>(channels);
  const std::optional<std::span<const float>> bias_span =
      bias != nullptr ? std::optional<std::span<const float>>(*bias) : std::nullopt;
  const fused_weight<Q> fused =
      m.size() == 1 ? fuse_multiplier(std::span<const Q>(q), weight_shape, p, bias_span, m[0])
                    : fuse_multiplier(std::span<const Q>(q), weight_shape, p, bias_span,
                                      std::span<const float>(m));

  // the scale keeps its shape: [K, 1] stays [K, 1]
  FOLD_EXPECT(fused.qparams.scale_shape() == p.scale_shape(), 0);
  FOLD_EXPECT(fused.qparams.domain() == p.domain(), 0);
  FOLD_EXPECT(fused.qparams.qmin() == p.qmin() && fused.qparams.qmax() == p.qmax(), 0);
  FOLD_EXPECT(fused.weight.size() == q.size(), 0);
  FOLD_EXPECT(fused.bias.has_value() == (bias != nullptr), 0);

  // the integer rules, channel by channel (scale index i is channel i when m is per channel)
  const std::int64_t sum = std::int64_t{p.qmin()} + p.qmax();
  for (std::size_t i = 0; i < p.scale().size(); ++i) {
    const float f = m.size() == 1 ? m[0] : m[i];
    const float expected_scale = f == 0.0f ? 1.0f : p.scale()[i] * std::fabs(f);
    FOLD_EXPECT(fused.qparams.scale()[i] == expected_scale, i);
    if (p.domain() == qlower::quant::zero_point_domain::integer) {
      const std::int64_t zp = p.zero_point()[i];
      const std::int64_t expected_zp = f == 0.0f ? 0 : f < 0.0f ? sum - zp : zp;
      FOLD_EXPECT(std::int64_t{fused.qparams.zero_point()[i]} == expected_zp, i);
    }
  }
  const std::size_t per_channel = q.size() / k_count;
  for (std::size_t i = 0; i < q.size(); ++i) {
    const float f = m.size() == 1 ? m[0] : m[i / per_channel];
    const std::int64_t expected = f == 0.0f ? 0 : f < 0.0f ? sum - q[i] : q[i];
    FOLD_EXPECT(std::int64_t{fused.weight[i]} == expected, i);
  }
  if (bias != nullptr) {
    for (std::size_t k = 0; k < k_count; ++k)
      FOLD_EXPECT((*fused.bias)[k] == (*bias)[k] * (m.size() == 1 ? m[0] : m[k]), k);
  }

  // the weights: fused = m * original, to three float32 roundings
  const std::vector<float> w = dequantize(q, weight_shape, p);
  const std::vector<float> w_fused = dequantize(fused.weight, weight_shape, fused.qparams);
  for (std::size_t i = 0; i < w.size(); ++i) {
    const double f = m.size() == 1 ? m[0] : m[i / per_channel];
    const double want = f * w[i];
    FOLD_EXPECT(std::fabs(w_fused[i] - want) <= 4.0 * unit_roundoff * std::fabs(want), i);
  }

  // the linear's outputs, to bound (B) and to one output step
  const std::vector<float>* fused_bias = fused.bias ? &*fused.bias : nullptr;
  const std::vector<double> y = unfused(linear(w, channels, x, bias), k_count, m);
  const std::vector<double> y_fused = linear(w_fused, channels, x, fused_bias);
  const std::vector<double> bound = fold_bound(w, channels, x, bias, m);
  const double step = output_step(y);
  for (std::size_t i = 0; i < y.size(); ++i) {
    const double error = std::fabs(y_fused[i] - y[i]);
    FOLD_EXPECT(error <= bound[i], i);
    FOLD_EXPECT(error <= step, i);
    report.worst_steps = std::max(report.worst_steps, error / step);
  }
  return report;
}

#undef FOLD_EXPECT

std::vector<float> random_floats(std::mt19937& rng, std::size_t n, float low, float high) {
  std::uniform_real_distribution<float> dist(low, high);
  std::vector<float> v(n);
  for (float& value : v)
    value = dist(rng);
  return v;
}

/// Scenario 002's linear: per-channel asymmetric int8 weights [K, N] quantized
/// by quantize_affine from random floats, scale and zero point [K, 1].
struct scenario_linear {
  shape weight_shape;
  std::vector<std::int8_t> q;
  affine_qparams qparams;
  std::vector<float> bias;
};

scenario_linear make_scenario_linear(std::mt19937& rng, std::int64_t k_count,
                                     std::int64_t n_count) {
  const std::size_t k = static_cast<std::size_t>(k_count);
  const std::size_t n = static_cast<std::size_t>(n_count);
  std::vector<float> w(k * n);
  std::vector<float> scale(k);
  std::vector<std::int32_t> zero_point(k);
  for (std::size_t c = 0; c < k; ++c) {
    // channel ranges differ, as trained weights' do; asymmetric so zero points are not 0
    const std::vector<float> ends = random_floats(rng, 2, 0.05f, 2.0f);
    const float low = -ends[0];
    const float high = ends[1];
    scale[c] = (high - low) / 255.0f;
    zero_point[c] = static_cast<std::int32_t>(
        std::clamp(-128.0f - std::nearbyint(low / scale[c]), -128.0f, 127.0f));
    const std::vector<float> row = random_floats(rng, n, low, high);
    std::copy(row.begin(), row.end(), w.begin() + static_cast<std::ptrdiff_t>(c * n));
  }
  const shape weight_shape{k_count, n_count};
  affine_qparams p(shape{k_count, 1}, scale, zero_point, quant_dtype::int8);
  std::vector<std::int8_t> q(w.size(), 0);
  qlower::quant::quantize_affine(std::span<const float>(w), weight_shape, p,
                                 std::span<std::int8_t>(q));
  return {weight_shape, std::move(q), std::move(p), random_floats(rng, k, -1.0f, 1.0f)};
}

/// A [K] factor with positives, negatives and zeros.
std::vector<float> scenario_factor(std::mt19937& rng, std::size_t k) {
  std::vector<float> m = random_floats(rng, k, -3.0f, 3.0f);
  for (std::size_t c = 0; c < k; c += 7)
    m[c] = 0.0f;
  m[1] = -0.0f;
  return m;
}

//===--- Scenario 002 ---===//

TEST_CASE(
    "fuse_multiplier: seed 002, a [64] factor on a linear's [64, 1] weight scale stays "
    "[64, 1] and matches the unfused pair",
    "[quant][fuse_multiplier][scenario]") {
  std::mt19937 rng(2002);
  constexpr std::int64_t K = 64, N = 128, batch = 16;
  const scenario_linear lin = make_scenario_linear(rng, K, N);
  REQUIRE(lin.qparams.is_per_channel());
  REQUIRE(lin.qparams.channel_axis() == 0);
  const std::vector<float> m = scenario_factor(rng, K);
  REQUIRE(std::count_if(m.begin(), m.end(), [](float f) { return f < 0.0f; }) > 10);
  REQUIRE(std::count(m.begin(), m.end(), 0.0f) >= 10);
  const std::vector<float> x = random_floats(rng, static_cast<std::size_t>(batch * N), -4.0f, 4.0f);

  const fused_weight<std::int8_t> fused =
      fuse_multiplier(std::span<const std::int8_t>(lin.q), lin.weight_shape, lin.qparams,
                      std::optional<std::span<const float>>(lin.bias), std::span<const float>(m));
  CHECK(fused.qparams.scale_shape() == shape{K, 1});
  CHECK(fused.qparams.is_per_channel());
  CHECK(fused.qparams.channel_axis() == 0);
  CHECK_NOTHROW(fused.qparams.layout_for(lin.weight_shape));

  const fold_report report = check_fold(lin.q, lin.weight_shape, lin.qparams, &lin.bias, m, x);
  INFO(report.failure);
  CHECK(report.failure.empty());
  CHECK(report.worst_steps <= 1.0);
  // (B) at these sizes is a tiny fraction of a step: the criterion holds with room
  const std::vector<float> w = dequantize(lin.q, lin.weight_shape, lin.qparams);
  const std::vector<double> y = unfused(linear(w, K, x, &lin.bias), K, m);
  const std::vector<double> bound = fold_bound(w, K, x, &lin.bias, m);
  CHECK(*std::max_element(bound.begin(), bound.end()) < 1e-3 * output_step(y));

  // quantized with the multiplier's output step, fused and unfused outputs agree
  const std::vector<double> y_fused =
      linear(dequantize(fused.weight, lin.weight_shape, fused.qparams), K, x, &*fused.bias);
  const double step = output_step(y);
  std::size_t codes_off = 0;
  for (std::size_t i = 0; i < y.size(); ++i)
    codes_off += std::nearbyint(y[i] / step) != std::nearbyint(y_fused[i] / step) ? 1 : 0;
  INFO(codes_off << " of " << y.size() << " output codes differ");
  CHECK(codes_off <= y.size() / 100);  // only where an output sits on a rounding tie
}

TEST_CASE("fuse_multiplier: seed 002's naive [K] x [K, 1] broadcast gives [K, K] and is caught",
          "[quant][fuse_multiplier][scenario]") {
  std::mt19937 rng(2020);
  constexpr std::int64_t K = 64, batch = 16;
  for (const std::int64_t N : {std::int64_t{128}, std::int64_t{100}}) {
    INFO("N = " << N);
    const scenario_linear lin = make_scenario_linear(rng, K, N);
    const std::vector<float> m = scenario_factor(rng, K);
    const fused_weight<std::int8_t> fused =
        fuse_multiplier(std::span<const std::int8_t>(lin.q), lin.weight_shape, lin.qparams,
                        std::optional<std::span<const float>>(lin.bias), std::span<const float>(m));

    std::vector<std::int64_t> naive_dims;
    const std::vector<float> naive_scale = naive_broadcast_scale(
        std::vector<float>(lin.qparams.scale().begin(), lin.qparams.scale().end()), {K, 1}, m, {K},
        naive_dims);
    REQUIRE(naive_dims == std::vector<std::int64_t>{K, K});
    CHECK(shape(naive_dims) != fused.qparams.scale_shape());
    // the bug touched the scale only: weights and zero points reflected right, tiled to [K, K]
    std::vector<std::int32_t> naive_zero_point(naive_scale.size());
    for (std::size_t i = 0; i < naive_zero_point.size(); ++i)
      naive_zero_point[i] = fused.qparams.zero_point()[i / static_cast<std::size_t>(K)];
    const affine_qparams naive(shape(naive_dims), naive_scale, naive_zero_point, quant_dtype::int8);

    if (N % K != 0) {
      // [K, K] cannot lay out a [64, 100] weight: the kernels refuse it
      CHECK_THROWS_AS(naive.layout_for(lin.weight_shape), qparams_error);
      continue;
    }
    // For N = 128 = 2K the [K, K] scale is a valid blockwise layout (blocks of [1, 2]), so
    // the shape alone does not catch it: element (k, n) gets |m[n / 2]| instead of |m[k]|.
    REQUIRE_NOTHROW(naive.layout_for(lin.weight_shape));
    CHECK(naive.is_blockwise());
    const std::vector<float> x =
        random_floats(rng, static_cast<std::size_t>(batch * N), -4.0f, 4.0f);
    const std::vector<float> w = dequantize(lin.q, lin.weight_shape, lin.qparams);
    const std::vector<double> y = unfused(linear(w, K, x, &lin.bias), K, m);
    const std::vector<double> y_naive =
        linear(dequantize(fused.weight, lin.weight_shape, naive), K, x, &*fused.bias);
    const std::vector<double> bound = fold_bound(w, K, x, &lin.bias, m);
    const double step = output_step(y);
    std::size_t beyond_bound = 0, beyond_step = 0;
    for (std::size_t i = 0; i < y.size(); ++i) {
      beyond_bound += std::fabs(y_naive[i] - y[i]) > bound[i] ? 1 : 0;
      beyond_step += std::fabs(y_naive[i] - y[i]) > step ? 1 : 0;
    }
    INFO(beyond_bound << " outputs beyond (B), " << beyond_step << " beyond one step, of "
                      << y.size());
    CHECK(beyond_bound > y.size() / 2);
    CHECK(beyond_step > y.size() / 4);
  }
}

//===--- The rules of section 7, by hand ---===//

TEST_CASE("fuse_multiplier: positive, negative and zero factors by hand",
          "[quant][fuse_multiplier]") {
  // int8, K = 3, N = 2: channel 0 scaled by 2, channel 1 by -0.5 (reflected: q' = -1 - q),
  // channel 2 zeroed (scale 1, weights and zero point 0)
  const std::vector<std::int8_t> q{10, -128, 127, 0, 5, 6};
  const affine_qparams p(shape{3, 1}, {0.5f, 0.25f, 2.0f}, {1, -3, 0}, quant_dtype::int8);
  const std::vector<float> bias{1.0f, 2.0f, 3.0f};
  const std::vector<float> m{2.0f, -0.5f, 0.0f};
  const fused_weight<std::int8_t> fused =
      fuse_multiplier(std::span<const std::int8_t>(q), shape{3, 2}, p,
                      std::optional<std::span<const float>>(bias), std::span<const float>(m));
  CHECK(fused.weight == std::vector<std::int8_t>{10, -128, -128, -1, 0, 0});
  CHECK(fused.qparams.scale_shape() == shape{3, 1});
  CHECK(std::vector<float>(fused.qparams.scale().begin(), fused.qparams.scale().end()) ==
        std::vector<float>{1.0f, 0.125f, 1.0f});
  CHECK(std::vector<std::int32_t>(fused.qparams.zero_point().begin(),
                                  fused.qparams.zero_point().end()) ==
        std::vector<std::int32_t>{1, 2, 0});
  REQUIRE(fused.bias.has_value());
  CHECK(*fused.bias == std::vector<float>{2.0f, -1.0f, 0.0f});
  // dequantized: channel 0 doubled, channel 1 times -0.5, channel 2 zero
  CHECK(dequantize(fused.weight, shape{3, 2}, fused.qparams) ==
        std::vector<float>{9.0f, -129.0f, -16.25f, -0.375f, 0.0f, 0.0f});
  // without a bias there is none after
  CHECK_FALSE(fuse_multiplier(std::span<const std::int8_t>(q), shape{3, 2}, p, std::nullopt,
                              std::span<const float>(m))
                  .bias.has_value());
}

TEST_CASE("fuse_multiplier: a scalar folds into per-tensor, per-channel and blockwise scales",
          "[quant][fuse_multiplier]") {
  const std::vector<std::uint8_t> q{0, 7, 255, 128, 3, 200, 9, 1};
  const shape ws{2, 4};
  SECTION("per tensor, negative: scale * 4, every value and the zero point reflected in [0, 255]") {
    const affine_qparams p(0.5f, 100, quant_dtype::uint8);
    const fused_weight<std::uint8_t> fused =
        fuse_multiplier(std::span<const std::uint8_t>(q), ws, p, std::nullopt, -4.0f);
    CHECK(fused.qparams.is_per_tensor());
    CHECK(fused.qparams.scale_shape() == p.scale_shape());
    CHECK(fused.qparams.scale()[0] == 2.0f);
    CHECK(fused.qparams.zero_point()[0] == 155);
    CHECK(fused.weight == std::vector<std::uint8_t>{255, 248, 0, 127, 252, 55, 246, 254});
  }
  SECTION("per tensor, zero: scale 1, everything 0") {
    const affine_qparams p(0.5f, 100, quant_dtype::uint8);
    const std::vector<float> bias{3.0f, -2.0f};
    const fused_weight<std::uint8_t> fused = fuse_multiplier(
        std::span<const std::uint8_t>(q), ws, p, std::optional<std::span<const float>>(bias), 0.0f);
    CHECK(fused.qparams.scale()[0] == 1.0f);
    CHECK(fused.qparams.zero_point()[0] == 0);
    CHECK(fused.weight == std::vector<std::uint8_t>(8, 0));
    CHECK(*fused.bias == std::vector<float>{0.0f, -0.0f});
  }
  SECTION("a one-element factor broadcasts like a scalar, onto a blockwise [2, 2] scale") {
    const affine_qparams p(shape{2, 2}, {1.0f, 2.0f, 4.0f, 8.0f}, {0, 10, 20, 30},
                           quant_dtype::uint8);
    const std::vector<float> m{-0.5f};
    const fused_weight<std::uint8_t> fused = fuse_multiplier(
        std::span<const std::uint8_t>(q), ws, p, std::nullopt, std::span<const float>(m));
    CHECK(fused.qparams.scale_shape() == shape{2, 2});
    CHECK(std::vector<float>(fused.qparams.scale().begin(), fused.qparams.scale().end()) ==
          std::vector<float>{0.5f, 1.0f, 2.0f, 4.0f});
    CHECK(std::vector<std::int32_t>(fused.qparams.zero_point().begin(),
                                    fused.qparams.zero_point().end()) ==
          std::vector<std::int32_t>{255, 245, 235, 225});
  }
  SECTION("no zero point and a symmetric range [-127, 127]: a negative factor negates") {
    const std::vector<std::int8_t> s{-127, 5, 0, 127};
    const affine_qparams p(0.25f, std::nullopt, quant_dtype::int8, -127, 127);
    const fused_weight<std::int8_t> fused =
        fuse_multiplier(std::span<const std::int8_t>(s), shape{4}, p, std::nullopt, -2.0f);
    CHECK(fused.weight == std::vector<std::int8_t>{127, -5, 0, -127});
    CHECK(fused.qparams.scale()[0] == 0.5f);
    CHECK(fused.qparams.domain() == qlower::quant::zero_point_domain::none);
  }
}

TEST_CASE("fuse_multiplier: a convolution's [K, 1, 1, 1] uint8 scale stays [K, 1, 1, 1]",
          "[quant][fuse_multiplier]") {
  std::mt19937 rng(7);
  constexpr std::int64_t K = 24, C = 5, kh = 3, kw = 3, batch = 6;
  const shape ws{K, C, kh, kw};
  std::uniform_int_distribution<int> value(0, 255);
  std::vector<std::uint8_t> q(static_cast<std::size_t>(ws.element_count()));
  for (auto& v : q)
    v = static_cast<std::uint8_t>(value(rng));
  std::vector<std::int32_t> zp(K);
  for (auto& z : zp)
    z = value(rng);
  const affine_qparams p = affine_qparams::per_channel(random_floats(rng, K, 1e-3f, 1e-1f), zp, 0,
                                                       4, quant_dtype::uint8);
  REQUIRE(p.scale_shape() == shape{K, 1, 1, 1});
  const std::vector<float> m = scenario_factor(rng, K);
  const std::vector<float> bias = random_floats(rng, K, -1.0f, 1.0f);
  // a convolution output is a dot product of each filter with a patch: patches as rows of x
  const std::vector<float> patches =
      random_floats(rng, static_cast<std::size_t>(batch * C * kh * kw), -2.0f, 2.0f);
  const fold_report report = check_fold(q, ws, p, &bias, m, patches);
  INFO(report.failure);
  CHECK(report.failure.empty());
  CHECK(report.worst_steps <= 1.0);
}

//===--- Errors name the offending value ---===//

TEST_CASE("fuse_multiplier: what cannot be folded is a fusion_error naming the value",
          "[quant][fuse_multiplier]") {
  const std::vector<std::int8_t> q{1, 2, 3, 4, 5, 6};
  const shape ws{3, 2};
  const std::span<const std::int8_t> w(q);
  const affine_qparams per_channel(shape{3, 1}, {1.0f, 1.0f, 1.0f}, {0, 0, 0}, quant_dtype::int8);
  const auto fold = [&](const affine_qparams& p, std::vector<float> m) {
    return fuse_multiplier(w, ws, p, std::nullopt, std::span<const float>(m));
  };
  const float inf = std::numeric_limits<float>::infinity();
  const float nan = std::numeric_limits<float>::quiet_NaN();

  REQUIRE_THROWS_MATCHES(fold(per_channel, {1.0f, nan, 1.0f}), fusion_error,
                         message_contains("multiplier[1] = nan is not finite"));
  REQUIRE_THROWS_MATCHES(fold(per_channel, {1.0f, 1.0f, -inf}), fusion_error,
                         message_contains("multiplier[2] = -inf is not finite"));
  REQUIRE_THROWS_MATCHES(fuse_multiplier(w, ws, per_channel, std::nullopt, inf), fusion_error,
                         message_contains("the multiplier inf is not finite"));
  REQUIRE_THROWS_MATCHES(
      fold(per_channel, {1.0f, 2.0f}), fusion_error,
      message_contains("the multiplier has 2 values but the weight [3, 2] has 3 output channels"));
  REQUIRE_THROWS_MATCHES(fold(per_channel, {}), fusion_error,
                         message_contains("the multiplier has 0 values"));

  // a per-channel factor needs a per-output-channel scale
  REQUIRE_THROWS_MATCHES(
      fold(affine_qparams(0.5f, 0, quant_dtype::int8), {1.0f, 2.0f, 3.0f}), fusion_error,
      message_contains("the weight scale has shape [] (per tensor) for the weight [3, 2]"));
  REQUIRE_THROWS_MATCHES(
      fold(affine_qparams(shape{1, 2}, {1.0f, 2.0f}, {0, 0}, quant_dtype::int8),
           {1.0f, 2.0f, 3.0f}),
      fusion_error, message_contains("the weight scale has shape [1, 2] (per channel on axis 1)"));
  REQUIRE_THROWS_MATCHES(fold(affine_qparams(shape{3, 2}, std::vector<float>(6, 1.0f),
                                             std::vector<std::int32_t>(6, 0), quant_dtype::int8),
                              {1.0f, 2.0f, 3.0f}),
                         fusion_error,
                         message_contains("the weight scale has shape [3, 2] (blockwise)"));

  // zero and negative factors the range cannot express
  const affine_qparams positive_range(shape{3, 1}, {1.0f, 1.0f, 1.0f}, {1, 1, 1}, quant_dtype::int8,
                                      1, 10);
  const std::vector<std::int8_t> in_range{1, 2, 3, 4, 5, 6};
  REQUIRE_THROWS_MATCHES(
      fuse_multiplier(std::span<const std::int8_t>(in_range), ws, positive_range, std::nullopt,
                      std::span<const float>(std::vector<float>{1.0f, 0.0f, 1.0f})),
      fusion_error,
      message_contains("multiplier[1] = 0 zeroes its channel's weights, but 0 is outside "
                       "[qmin, qmax] = [1, 10]"));
  const affine_qparams no_zero_point(shape{3, 1}, {1.0f, 1.0f, 1.0f}, {}, quant_dtype::int8);
  REQUIRE_THROWS_MATCHES(fold(no_zero_point, {1.0f, 1.0f, -2.0f}), fusion_error,
                         message_contains("multiplier[2] = -2 is negative"));
  REQUIRE_THROWS_MATCHES(fold(no_zero_point, {1.0f, 1.0f, -2.0f}), fusion_error,
                         message_contains("[qmin, qmax] = [-128, 127]"));

  // the weight and the bias must fit
  const std::vector<float> short_bias{1.0f, 2.0f};
  REQUIRE_THROWS_MATCHES(
      fuse_multiplier(w, ws, per_channel, std::optional<std::span<const float>>(short_bias), 2.0f),
      fusion_error, message_contains("the bias has 2 values but the weight [3, 2] has 3"));
  REQUIRE_THROWS_MATCHES(fuse_multiplier(w, shape{3, 3}, per_channel, std::nullopt, 2.0f),
                         fusion_error,
                         message_contains("the weight holds 6 values but shape [3, 3] has 9"));
  const affine_qparams narrow(shape{3, 1}, {1.0f, 1.0f, 1.0f}, {0, 0, 0}, quant_dtype::int8, -4, 4);
  REQUIRE_THROWS_MATCHES(fold(narrow, {1.0f, 1.0f, 1.0f}), fusion_error,
                         message_contains("weight[4] = 5 is outside [qmin, qmax] = [-4, 4]"));
  REQUIRE_THROWS_MATCHES(
      fold(affine_qparams(shape{3, 1}, {1.0f, 1.0f, 1.0f}, {0, 0, 0}, quant_dtype::uint8),
           {1.0f, 1.0f, 1.0f}),
      fusion_error, message_contains("uint8 weights are not stored in a 1-byte signed"));
  REQUIRE_THROWS_AS(fold(affine_qparams(shape{2, 1}, {1.0f, 1.0f}, {0, 0}, quant_dtype::int8),
                         {1.0f, 1.0f, 1.0f}),
                    qparams_error);

  // a rescaled scale must stay a float32 scale
  const affine_qparams huge(shape{3, 1}, {1.0f, 3e38f, 1.0f}, {0, 0, 0}, quant_dtype::int8);
  REQUIRE_THROWS_MATCHES(fold(huge, {1.0f, 10.0f, 1.0f}), fusion_error,
                         message_contains("scale[1] * |m| = 3e+38 * 10 overflows float32"));
  const affine_qparams tiny(shape{3, 1}, {1.2e-38f, 1.0f, 1.0f}, {0, 0, 0}, quant_dtype::int8);
  REQUIRE_THROWS_MATCHES(fold(tiny, {0.25f, 1.0f, 1.0f}), fusion_error,
                         message_contains("scale[0] * |m| = 1.2e-38 * 0.25 underflows float32"));
  // fusion_error is a qlower::error
  REQUIRE_THROWS_AS(fold(per_channel, {nan, 1.0f, 1.0f}), qlower::error);
}

//===--- Property ---===//

/// A factor: 0 (either sign) one time in five, negative two in five, magnitudes 2^-6 .. 2^6.
rc::Gen<float> factor_gen() {
  return rc::gen::apply(
      [](int kind, int mantissa, int exponent) {
        if (kind == 0)
          return 0.0f;
        if (kind == 1)
          return -0.0f;
        const float magnitude = std::ldexp(1.0f + static_cast<float>(mantissa) / 256.0f, exponent);
        return kind < 6 ? -magnitude : magnitude;
      },
      rc::gen::inRange(0, 10), rc::gen::inRange(0, 256), rc::gen::inRange(-6, 7));
}

template <class Q>
void fold_property(std::int64_t qmin, std::int64_t qmax, quant_dtype type, bool zero_point) {
  const auto k_count = *rc::gen::inRange<std::int64_t>(1, 65);
  // a linear [K, N] or a convolution [K, C, kh, kw]
  std::vector<std::int64_t> dims{k_count};
  if (*rc::gen::arbitrary<bool>()) {
    dims.push_back(*rc::gen::inRange<std::int64_t>(1, 131));
  } else {
    dims.push_back(*rc::gen::inRange<std::int64_t>(1, 9));
    dims.push_back(*rc::gen::inRange<std::int64_t>(1, 4));
    dims.push_back(*rc::gen::inRange<std::int64_t>(1, 4));
  }
  const shape ws(dims);
  const std::size_t k = static_cast<std::size_t>(k_count);
  const std::size_t count = static_cast<std::size_t>(ws.element_count());
  const auto values = *rc::gen::container<std::vector<std::int64_t>>(
      count, rc::gen::inRange<std::int64_t>(qmin, qmax + 1));
  const std::vector<Q> q(values.begin(), values.end());
  const auto scale = *rc::gen::container<std::vector<float>>(
      k, rc::gen::map(rc::gen::inRange(1, 1 << 16),
                      [](int v) { return static_cast<float>(v) * 0x1p-20f; }));
  std::vector<std::int32_t> zp;
  if (zero_point)
    zp = *rc::gen::container<std::vector<std::int32_t>>(
        k, rc::gen::inRange<std::int32_t>(static_cast<std::int32_t>(qmin),
                                          static_cast<std::int32_t>(qmax) + 1));
  std::vector<std::int64_t> scale_dims(dims.size(), 1);
  scale_dims[0] = k_count;
  const bool scalar = *rc::gen::weightedElement<bool>({{1, true}, {3, false}});
  // a scalar factor also folds into a per-tensor scale
  const bool per_tensor = scalar && *rc::gen::arbitrary<bool>();
  const affine_qparams p =
      per_tensor
          ? affine_qparams(scale[0], zero_point ? std::optional<std::int32_t>(zp[0]) : std::nullopt,
                           type, qmin, qmax)
          : affine_qparams(shape(scale_dims), scale, zp, type, qmin, qmax);
  const auto m = *rc::gen::container<std::vector<float>>(scalar ? 1 : k, factor_gen());
  const auto bias_values = *rc::gen::container<std::vector<float>>(
      k, rc::gen::map(rc::gen::inRange(-4096, 4097), [](int v) { return v / 1024.0f; }));
  const bool has_bias = *rc::gen::arbitrary<bool>();
  const auto batch = *rc::gen::inRange<std::size_t>(1, 5);
  const auto x = *rc::gen::container<std::vector<float>>(
      batch * (count / k),
      rc::gen::map(rc::gen::inRange(-256, 257), [](int v) { return v / 64.0f; }));
  const fold_report report = check_fold(q, ws, p, has_bias ? &bias_values : nullptr, m, x);
  if (!report.failure.empty())
    RC_FAIL(report.failure);
}

TEST_CASE(
    "fuse_multiplier: the fused linear matches the unfused pair for random K, N and "
    "factors",
    "[quant][fuse_multiplier][property]") {
  rc::prop("int8 asymmetric, [K, 1] scale",
           [] { fold_property<std::int8_t>(-128, 127, quant_dtype::int8, true); });
  rc::prop("uint8 asymmetric",
           [] { fold_property<std::uint8_t>(0, 255, quant_dtype::uint8, true); });
  rc::prop("int4 in int8 storage",
           [] { fold_property<std::int8_t>(-8, 7, quant_dtype::int4, true); });
  rc::prop("int8 symmetric [-127, 127] without a zero point",
           [] { fold_property<std::int8_t>(-127, 127, quant_dtype::int8, false); });
}

}  // namespace
