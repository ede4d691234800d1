// SPDX-License-Identifier: Apache-2.0
#include "harness/quant/onnx_vectors.hpp"

#include <bit>
#include <catch2/catch.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "harness/quant/kernel_cases.hpp"
#include "reference/quant/affine.hpp"

namespace {

namespace onnx = qlower::harness::onnx;
namespace ref = qlower::reference::quant;

const std::filesystem::path vectors_dir = QLOWER_ONNX_VECTORS_DIR;

std::string bits_of(float value) {
  char text[64];
  std::snprintf(text, sizeof text, "%.9g (0x%08x)", static_cast<double>(value),
                static_cast<unsigned>(std::bit_cast<std::uint32_t>(value)));
  return text;
}

/// The reference's parameters for an ONNX case: division mode, the range of
/// the case's integer dtype.
ref::params reference_params(const onnx::onnx_case& c) {
  const onnx::block_geometry g = onnx::geometry_of(c);
  const auto bounds = onnx::integer_bounds(c.integer_dtype());
  if (!bounds)
    throw std::runtime_error(c.name + ": no integer bounds for " + c.integer_dtype());
  ref::params p;
  p.input_dims = c.x.dims;
  p.scale_dims = g.scale_dims;
  p.block_size = g.block_size;
  p.scale = c.scale.as_floats();
  if (c.zero_point)
    p.zero_point = c.zero_point->as_int32();
  p.qmin = bounds->first;
  p.qmax = bounds->second;
  p.onnx_division = true;
  return p;
}

/// "" when the reference reproduces `c` bit for bit; otherwise the case name
/// and the first few differing elements with their input bits.
std::string reference_mismatches(const onnx::onnx_case& c) {
  const ref::params p = reference_params(c);
  std::string report;
  int reported = 0;
  const auto note = [&](std::size_t n, const std::string& text) {
    if (reported++ < 8)
      report += "\n  element " + std::to_string(n) + ": " + text;
  };
  if (c.is_quantize()) {
    const std::vector<float> x = c.x.as_floats();
    const std::vector<std::int64_t> got = ref::quantize(p, x);
    const std::vector<std::int64_t> want = c.expected.as_integers();
    for (std::size_t n = 0; n < want.size(); ++n) {
      if (got[n] != want[n])
        note(n, "x = " + bits_of(x[n]) + ", expected " + std::to_string(want[n]) + ", got " +
                    std::to_string(got[n]));
    }
  } else {
    const std::vector<std::int64_t> q = c.x.as_integers();
    const std::vector<float> got = ref::dequantize(p, q);
    const std::vector<float> want = c.expected.as_floats();
    for (std::size_t n = 0; n < want.size(); ++n) {
      if (std::bit_cast<std::uint32_t>(got[n]) != std::bit_cast<std::uint32_t>(want[n]))
        note(n, "q = " + std::to_string(q[n]) + ", expected " + bits_of(want[n]) + ", got " +
                    bits_of(got[n]));
    }
  }
  if (reported == 0)
    return "";
  return c.name + ": " + std::to_string(reported) + " of " +
         std::to_string(c.expected.values.size()) + " elements differ" + report;
}

TEST_CASE("onnx vectors: the 19 integer conformance cases load with their granularity",
          "[quant][onnx]") {
  const std::vector<onnx::onnx_case> cases = onnx::load_cases(vectors_dir);
  std::set<std::string> names;
  for (const auto& c : cases)
    names.insert(c.name);
  const std::set<std::string> expected_names{"test_quantizelinear",
                                             "test_quantizelinear_axis",
                                             "test_quantizelinear_blocked_asymmetric",
                                             "test_quantizelinear_blocked_symmetric",
                                             "test_quantizelinear_int16",
                                             "test_quantizelinear_uint16",
                                             "test_quantizelinear_int4",
                                             "test_quantizelinear_uint4",
                                             "test_quantizelinear_int2",
                                             "test_quantizelinear_uint2",
                                             "test_dequantizelinear",
                                             "test_dequantizelinear_axis",
                                             "test_dequantizelinear_blocked",
                                             "test_dequantizelinear_int16",
                                             "test_dequantizelinear_uint16",
                                             "test_dequantizelinear_int4",
                                             "test_dequantizelinear_uint4",
                                             "test_dequantizelinear_int2",
                                             "test_dequantizelinear_uint2"};
  CHECK(cases.size() == 19);
  CHECK(names == expected_names);

  std::set<std::string> dtypes;
  int per_tensor = 0;
  int per_axis = 0;
  int blocked = 0;
  for (const auto& c : cases) {
    INFO(c.name);
    dtypes.insert(c.integer_dtype());
    const onnx::block_geometry g = onnx::geometry_of(c);
    per_tensor += g.per_tensor ? 1 : 0;
    blocked += g.blocked ? 1 : 0;
    per_axis += !g.per_tensor && !g.blocked ? 1 : 0;
  }
  CHECK(dtypes ==
        std::set<std::string>{"uint8", "int16", "uint16", "int4", "uint4", "int2", "uint2"});
  CHECK(per_tensor == 10);  // the plain, int16, uint16, and the dequantize int4 .. uint2 cases
  CHECK(per_axis == 6);     // _axis twice, and the quantize int4 .. uint2 cases on axis 0
  CHECK(blocked == 3);

  for (const auto& c : cases) {
    if (c.name == "test_quantizelinear_blocked_symmetric") {
      // No zero point; int16 chosen by the output_dtype attribute.
      CHECK_FALSE(c.zero_point.has_value());
      CHECK(c.integer_dtype() == "int16");
      const onnx::block_geometry g = onnx::geometry_of(c);
      CHECK(g.scale_dims == std::vector<std::int64_t>{3, 2});
      CHECK(g.block_size == std::vector<std::int64_t>{1, 2});
    }
    if (c.name == "test_quantizelinear_axis") {
      const onnx::block_geometry g = onnx::geometry_of(c);
      CHECK(g.axis == 1);
      CHECK(g.scale_dims == std::vector<std::int64_t>{1, 3, 1, 1});
      CHECK(g.block_size == std::vector<std::int64_t>{1, 1, 3, 2});
    }
  }
}

TEST_CASE("onnx geometry: a negative axis, a partial last block and malformed scales",
          "[quant][onnx]") {
  onnx::onnx_case c;
  c.name = "hand";
  c.op = "QuantizeLinear";
  c.x = {"float32", {2, 5}, std::vector<double>(10, 0.0)};
  c.expected = {"uint8", {2, 5}, std::vector<double>(10, 0.0)};
  c.output_dtype = "uint8";

  SECTION("per axis on axis -1") {
    c.axis = -1;
    c.scale = {"float32", {5}, std::vector<double>(5, 1.0)};
    const onnx::block_geometry g = onnx::geometry_of(c);
    CHECK(g.axis == 1);
    CHECK(g.scale_dims == std::vector<std::int64_t>{1, 5});
    CHECK(g.block_size == std::vector<std::int64_t>{2, 1});
  }
  SECTION("blocked with a partial last block: 5 in blocks of 2 needs 3 scales") {
    c.axis = 1;
    c.block_size = 2;
    c.scale = {"float32", {2, 3}, std::vector<double>(6, 1.0)};
    const onnx::block_geometry g = onnx::geometry_of(c);
    CHECK(g.scale_dims == std::vector<std::int64_t>{2, 3});
    CHECK(g.block_size == std::vector<std::int64_t>{1, 2});
    c.scale = {"float32", {2, 2}, std::vector<double>(4, 1.0)};
    CHECK_THROWS_WITH(onnx::geometry_of(c), Catch::Contains("blocked scale dims [2, 2]"));
  }
  SECTION("a per-axis scale of the wrong length, an axis out of range, zero points miscounted") {
    c.axis = 0;
    c.scale = {"float32", {5}, std::vector<double>(5, 1.0)};
    CHECK_THROWS_WITH(onnx::geometry_of(c), Catch::Contains("per-axis scale dims [5]"));
    c.axis = -3;
    CHECK_THROWS_WITH(onnx::geometry_of(c), Catch::Contains("axis -3 is out of range"));
    c.axis = 1;
    c.zero_point = onnx::tensor{"uint8", {2}, {0.0, 0.0}};
    CHECK_THROWS_WITH(onnx::geometry_of(c), Catch::Contains("2 zero points for 5 scales"));
  }
  SECTION("a cut block keeps the rows and the scale shape") {
    c.axis = 1;
    c.block_size = 2;
    c.x = {"float32", {2, 4}, {0, 1, 2, 3, 4, 5, 6, 7}};
    c.expected = {"uint8", {2, 4}, {10, 11, 12, 13, 14, 15, 16, 17}};
    c.scale = {"float32", {2, 2}, std::vector<double>(4, 1.0)};
    const onnx::onnx_case cut = onnx::with_partial_last_block(c);
    CHECK(cut.x.dims == std::vector<std::int64_t>{2, 3});
    CHECK(cut.x.values == std::vector<double>{0, 1, 2, 4, 5, 6});
    CHECK(cut.expected.values == std::vector<double>{10, 11, 12, 14, 15, 16});
    CHECK(onnx::geometry_of(cut).scale_dims == std::vector<std::int64_t>{2, 2});
  }
}

TEST_CASE("reference quantize and dequantize reproduce every ONNX integer vector bit for bit",
          "[reference][quant][onnx]") {
  const std::vector<onnx::onnx_case> cases = onnx::load_cases(vectors_dir);
  REQUIRE(cases.size() == 19);
  for (const auto& c : cases) {
    INFO(c.name);
    CHECK(reference_mismatches(c) == "");
  }
}

TEST_CASE(
    "reference reproduces the ONNX vectors rewritten with a negative axis or a partial "
    "last block",
    "[reference][quant][onnx]") {
  const std::vector<onnx::onnx_case> cases = onnx::load_cases(vectors_dir);
  int cut = 0;
  for (const auto& c : cases) {
    const onnx::onnx_case negative = onnx::with_negative_axis(c);
    INFO(negative.name);
    CHECK(reference_mismatches(negative) == "");
    if (onnx::geometry_of(c).blocked) {
      const onnx::onnx_case partial = onnx::with_partial_last_block(c);
      INFO(partial.name);
      CHECK(reference_mismatches(partial) == "");
      const onnx::onnx_case both = onnx::with_negative_axis(partial);
      INFO(both.name);
      CHECK(reference_mismatches(both) == "");
      ++cut;
    }
  }
  CHECK(cut == 3);
}

/// The kernels' result on `c` in ONNX mode (division, explicit blocks), as a
/// mismatch report like reference_mismatches, for one kernel set.
template <class Kernels>
std::string kernel_mismatches(const onnx::onnx_case& c) {
  using namespace qlower::quant;
  const onnx::block_geometry geometry = onnx::geometry_of(c);
  const std::optional<quant_dtype> type = quant_dtype_from_name(c.integer_dtype());
  if (!type)
    return c.name + ": no quant_dtype named " + c.integer_dtype();
  std::vector<float> scales;
  for (double v : c.scale.values)
    scales.push_back(static_cast<float>(v));
  std::vector<std::int32_t> zero_points;
  if (c.zero_point)
    for (double v : c.zero_point->values)
      zero_points.push_back(static_cast<std::int32_t>(v));
  const qlower::shape shape(c.x.dims);
  const affine_qparams qparams =
      affine_qparams(qlower::shape(geometry.scale_dims), scales, zero_points, *type)
          .with_block_size(geometry.block_size);
  std::string report;
  qlower::harness::quant::with_storage(*type, [&](auto storage) {
    using Q = decltype(storage);
    if (c.is_quantize()) {
      const std::vector<float> x = c.x.as_floats();
      std::vector<Q> got(x.size());
      Kernels::template quantize<onnx_arithmetic>(std::span<const float>(x), shape, qparams,
                                                  std::span<Q>(got));
      const std::vector<std::int64_t> want = c.expected.as_integers();
      for (std::size_t n = 0; n < want.size(); ++n)
        if (static_cast<std::int64_t>(got[n]) != want[n])
          report += "\n  element " + std::to_string(n) + ": expected " + std::to_string(want[n]) +
                    ", got " + std::to_string(got[n]);
    } else {
      const std::vector<std::int64_t> values = c.x.as_integers();
      std::vector<Q> q(values.begin(), values.end());
      std::vector<float> got(q.size());
      Kernels::dequantize(std::span<const Q>(q), shape, qparams, std::span<float>(got));
      const std::vector<float> want = c.expected.as_floats();
      for (std::size_t n = 0; n < want.size(); ++n)
        if (std::bit_cast<std::uint32_t>(got[n]) != std::bit_cast<std::uint32_t>(want[n]))
          report += "\n  element " + std::to_string(n) + ": expected " + bits_of(want[n]) +
                    ", got " + bits_of(got[n]);
    }
  });
  return report.empty() ? "" : Kernels::name() + " " + c.name + ":" + report;
}

TEST_CASE("the kernels in ONNX mode reproduce every ONNX integer vector bit for bit",
          "[quant][onnx]") {
  const std::vector<onnx::onnx_case> cases = onnx::load_cases(vectors_dir);
  REQUIRE(cases.size() == 19);
  int checked = 0;
  for (const auto& original : cases) {
    std::vector<onnx::onnx_case> variants{original, onnx::with_negative_axis(original)};
    if (onnx::geometry_of(original).blocked)
      variants.push_back(onnx::with_partial_last_block(original));
    for (const auto& c : variants) {
      qlower::harness::quant::for_each_kernel_set([&](auto kernels) {
        INFO(c.name);
        CHECK(kernel_mismatches<decltype(kernels)>(c) == "");
        ++checked;
      });
    }
  }
  CHECK(checked >= 41);
}

}  // namespace
