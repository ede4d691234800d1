// SPDX-License-Identifier: Apache-2.0
// choose_qparams_affine, run-time dispatched, for int8 on [rows, cols]
// tensors of 16 KiB to 256 MiB of float32, in GB/s of the bytes read and
// written: 4 per element, plus a scale and a zero point (8 B) per block. In
// the same run, the streaming limit of a read-only pass over the floats.
//
// Rows: asymmetric (activations) at every granularity; symmetric (weights)
// per tensor, per output channel and in groups of 32.

#include <benchmark/benchmark.h>

#include <cstdint>
#include <exception>
#include <string>
#include <string_view>
#include <vector>

#include "bench/quant/kernel_bench.hpp"
#include "bench/quant/stream_limit.hpp"
#include "qlower/quant/kernels/dispatch.hpp"

namespace {

namespace quant = qlower::quant;
using namespace qlower::bench::quant;

constexpr std::string_view mapping_name(quant::mapping_type mapping) noexcept {
  switch (mapping) {
    case quant::mapping_type::symmetric:
      return "symmetric";
    case quant::mapping_type::symmetric_no_clipping_err:
      return "symmetric_no_clipping_err";
    case quant::mapping_type::asymmetric:
      return "asymmetric";
  }
  return "?";
}

/// One dispatched choose_qparams_affine call per iteration, its result
/// (scales and zero points in vectors) included, as a caller gets it.
void f32_qs8_choose_qparams(benchmark::State& state, granularity g, quant::mapping_type mapping) {
  const std::int64_t n = elements_of(state);
  std::int64_t blocks = 1;
  try {
    const qlower::shape shape = matrix_shape(n);
    const std::vector<std::int64_t> block_size = block_size_of(g, shape);
    blocks = n / (block_size[0] * block_size[1]);
    const aligned_buffer<float>& input = float_input(n);
    for (auto _ : state) {
      quant::affine_qparams qparams = quant::dispatched::choose_qparams_affine(
          input.span(), shape, block_size, mapping, quant::quant_dtype::int8);
      benchmark::DoNotOptimize(qparams);
    }
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
    return;
  }
  set_traffic(state, n, 4.0 + 8.0 * static_cast<double>(blocks) / static_cast<double>(n));
}

/// The streaming limit of reading float32: 4 B per element, nothing written.
void f32_read_stream_limit(benchmark::State& state) {
  const std::int64_t n = elements_of(state);
  const aligned_buffer<float>& input = float_input(n);
  for (auto _ : state)
    benchmark::DoNotOptimize(stream_read_f32(input.data(), n));
  set_traffic(state, n, 4.0);
}

[[maybe_unused]] const bool registered = [] {
  const std::string isa(quant::dispatched::active_isa());
  const auto add = [&isa](granularity g, quant::mapping_type mapping) {
    const std::string variant = std::string(name_of(g)) + "/" + std::string(mapping_name(mapping));
    with_sizes(benchmark::RegisterBenchmark(
        row_name("f32_qs8_choose_qparams", variant, isa).c_str(),
        [g, mapping](benchmark::State& state) { f32_qs8_choose_qparams(state, g, mapping); }));
  };
  for (granularity g : all_granularities)
    add(g, quant::mapping_type::asymmetric);
  for (granularity g :
       {granularity::per_tensor, granularity::per_channel_axis0, granularity::group32})
    add(g, quant::mapping_type::symmetric);
  with_sizes(benchmark::RegisterBenchmark(
      row_name("f32_stream_limit", "read_only", name_of(best_stream_isa())).c_str(),
      f32_read_stream_limit));
  return true;
}();

}  // namespace
