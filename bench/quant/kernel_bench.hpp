// SPDX-License-Identifier: Apache-2.0
#pragma once

// What the quantization kernel benchmarks share: the sizes, the 2-D shapes
// and granularities, 64-byte-aligned buffers, cached inputs, the traffic
// counters and the row names.
//
// Row names follow XNNPACK's in-out-op vocabulary plus a fixed grammar that
// scripts/perf_report.py parses:
//   <in>_<out>_<op>/<variant>.../<isa>/<float32 bytes>
// e.g. f32_qs8_quantize/per_tensor/avx512bw/1048576. The argument is always
// the size in bytes of the float32 tensor (quantize's input, dequantize's
// output), so rows of every kernel line up by element count. Dtype tokens:
// qs8 int8, qu8 uint8, qs16 int16, qs4 int4 unpacked (one per byte), qs4x2
// int4 packed two per byte (low nibble first).

#include <benchmark/benchmark.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <map>
#include <new>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "qlower/core/shape.hpp"
#include "qlower/quant/qparams.hpp"
#include "qlower/quant/quant_dtype.hpp"

namespace qlower::bench::quant {

/// The float32 tensor sizes in bytes: 16 KiB (L1) to 256 MiB (DRAM), x4.
inline constexpr std::array<std::int64_t, 8> tensor_bytes{
    std::int64_t{16} << 10, std::int64_t{64} << 10, std::int64_t{256} << 10,
    std::int64_t{1} << 20,  std::int64_t{4} << 20,  std::int64_t{16} << 20,
    std::int64_t{64} << 20, std::int64_t{256} << 20};

/// 1,024 float32 elements: the small-tensor row, timed per call.
inline constexpr std::int64_t small_tensor_bytes = 4096;

/// The sizes up to 16 MiB, for the reference model's rows.
///
/// Rationale: the reference allocates an int64 result and a scale index per
/// element and runs at a few hundred MB/s, so a 256 MiB call takes seconds;
/// the naive_scalar rows cover the DRAM sizes.
inline constexpr std::span<const std::int64_t> reference_tensor_bytes{tensor_bytes.data(), 6};

/// A zero-filled, 64-byte-aligned array.
///
/// Rationale: the non-temporal stores of the streaming limits need aligned
/// destinations, and every row uses the same alignment so none gains from it;
/// the zero fill touches every page before timing starts. It bypasses
/// operator new, which bench/peak_memory.cpp replaces to count the heap.
template <class T>
class aligned_buffer {
 public:
  aligned_buffer() = default;
  explicit aligned_buffer(std::int64_t count) : size_(static_cast<std::size_t>(count)) {
    const std::size_t bytes = (size_ * sizeof(T) + 63) / 64 * 64;
    data_ = static_cast<T*>(std::aligned_alloc(64, bytes == 0 ? 64 : bytes));
    if (data_ == nullptr)
      throw std::bad_alloc();
    std::memset(static_cast<void*>(data_), 0, bytes);
  }
  aligned_buffer(aligned_buffer&& other) noexcept
      : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}
  aligned_buffer& operator=(aligned_buffer&& other) noexcept {
    std::swap(data_, other.data_);
    std::swap(size_, other.size_);
    return *this;
  }
  aligned_buffer(const aligned_buffer&) = delete;
  aligned_buffer& operator=(const aligned_buffer&) = delete;
  ~aligned_buffer() { std::free(data_); }

  T* data() noexcept { return data_; }
  const T* data() const noexcept { return data_; }
  std::size_t size() const noexcept { return size_; }
  std::span<T> span() noexcept { return {data_, size_}; }
  std::span<const T> span() const noexcept { return {data_, size_}; }

 private:
  T* data_ = nullptr;
  std::size_t size_ = 0;
};

/// Where blocks of elements share one scale, on a [rows, cols] tensor.
enum class granularity {
  per_tensor,
  per_channel_axis0,  ///< one scale per row: long runs
  per_channel_last,   ///< one scale per column: a new scale every element
  group32,            ///< groups along the last axis
  group64,
  group128,
  block2d_32x32,  ///< 32 x 32 tiles
};

inline constexpr std::array<granularity, 7> all_granularities{
    granularity::per_tensor,   granularity::per_channel_axis0, granularity::per_channel_last,
    granularity::group32,      granularity::group64,           granularity::group128,
    granularity::block2d_32x32};

constexpr std::string_view name_of(granularity g) noexcept {
  switch (g) {
    case granularity::per_tensor:
      return "per_tensor";
    case granularity::per_channel_axis0:
      return "per_channel_axis0";
    case granularity::per_channel_last:
      return "per_channel_last";
    case granularity::group32:
      return "group32";
    case granularity::group64:
      return "group64";
    case granularity::group128:
      return "group128";
    case granularity::block2d_32x32:
      return "block2d_32x32";
  }
  return "?";
}

/// The 2-D shape of `elements` float32 values: 1,024 columns once there are
/// at least 32 rows of them, fewer columns (and 32 rows) below that.
///
/// Rationale: 32 rows and a multiple of 128 columns make every granularity
/// valid at every size (a 32 x 32 block needs 32 rows; groups of 128 need
/// 128 columns); 16 KiB is [32, 128] and 64 KiB [32, 512].
inline qlower::shape matrix_shape(std::int64_t elements) {
  const std::int64_t cols = std::min<std::int64_t>(1024, std::max<std::int64_t>(1, elements / 32));
  return qlower::shape{elements / cols, cols};
}

/// torchao's block_size for `g` on a [rows, cols] shape.
inline std::vector<std::int64_t> block_size_of(granularity g, const qlower::shape& shape) {
  const std::int64_t rows = shape[0];
  const std::int64_t cols = shape[1];
  switch (g) {
    case granularity::per_tensor:
      return {rows, cols};
    case granularity::per_channel_axis0:
      return {1, cols};
    case granularity::per_channel_last:
      return {rows, 1};
    case granularity::group32:
      return {1, 32};
    case granularity::group64:
      return {1, 64};
    case granularity::group128:
      return {1, 128};
    case granularity::block2d_32x32:
      return {32, 32};
  }
  return {rows, cols};
}

/// Scales and zero points of granularity `g` that spread inputs in [-1, 1]
/// over `type`'s range; they vary from block to block so no kernel can treat
/// neighbouring blocks as one.
inline qlower::quant::affine_qparams qparams_for(granularity g, const qlower::shape& shape,
                                                 qlower::quant::quant_dtype type) {
  const qlower::quant::quant_dtype_info& row = qlower::quant::info(type);
  const std::vector<std::int64_t> block = block_size_of(g, shape);
  const std::int64_t scale_rows = shape[0] / block[0];
  const std::int64_t scale_cols = shape[1] / block[1];
  const std::int64_t count = scale_rows * scale_cols;
  const double span = static_cast<double>(row.max - row.min);
  const std::int64_t middle = row.is_signed ? 0 : (row.max + row.min + 1) / 2;
  std::vector<float> scales(static_cast<std::size_t>(count));
  std::vector<std::int32_t> zero_points(static_cast<std::size_t>(count));
  for (std::int64_t i = 0; i < count; ++i) {
    scales[static_cast<std::size_t>(i)] = static_cast<float>(2.0 / span * (1.0 + 0.05 * (i % 5)));
    zero_points[static_cast<std::size_t>(i)] = static_cast<std::int32_t>(middle + i % 3 - 1);
  }
  if (g == granularity::per_tensor)
    return qlower::quant::affine_qparams(scales[0], zero_points[0], type);
  return qlower::quant::affine_qparams(qlower::shape{scale_rows, scale_cols}, std::move(scales),
                                       std::move(zero_points), type);
}

namespace detail {
/// xorshift64: fast enough that filling 256 MiB costs a fraction of a second.
class fill_random {
 public:
  explicit fill_random(std::uint64_t seed) : state_(seed | 1) {}
  std::uint64_t next() noexcept {
    state_ ^= state_ << 13;
    state_ ^= state_ >> 7;
    state_ ^= state_ << 17;
    return state_;
  }

 private:
  std::uint64_t state_;
};
}  // namespace detail

/// `elements` float32 values uniform in [-1.1, 1.1) (a few saturate), made
/// once per size and kept for the whole run.
///
/// Rationale: every row of a size reads the same input, and filling 256 MiB
/// once instead of once per row keeps a full run within minutes.
inline const aligned_buffer<float>& float_input(std::int64_t elements) {
  static std::map<std::int64_t, aligned_buffer<float>> cache;
  auto found = cache.find(elements);
  if (found != cache.end())
    return found->second;
  aligned_buffer<float> values(elements);
  detail::fill_random random(static_cast<std::uint64_t>(elements));
  for (float& value : values.span())
    value = static_cast<float>(static_cast<double>(random.next() >> 11) * 0x1.0p-53 * 2.2 - 1.1);
  return cache.emplace(elements, std::move(values)).first->second;
}

/// `elements` values of `type` (stored in Q), uniform over its range, kept
/// for the whole run like float_input().
template <qlower::quant::quantized_storage Q>
const aligned_buffer<Q>& quantized_input(qlower::quant::quant_dtype type, std::int64_t elements) {
  static std::map<std::pair<qlower::quant::quant_dtype, std::int64_t>, aligned_buffer<Q>> cache;
  const auto key = std::make_pair(type, elements);
  auto found = cache.find(key);
  if (found != cache.end())
    return found->second;
  const qlower::quant::quant_dtype_info& row = qlower::quant::info(type);
  const std::uint64_t span = static_cast<std::uint64_t>(row.max - row.min + 1);
  aligned_buffer<Q> values(elements);
  detail::fill_random random(static_cast<std::uint64_t>(elements) * 31 + sizeof(Q));
  for (Q& value : values.span())
    value = static_cast<Q>(row.min + static_cast<std::int64_t>(random.next() % span));
  return cache.emplace(key, std::move(values)).first->second;
}

/// Random bytes: `elements` 4-bit values packed two per byte.
inline const aligned_buffer<std::uint8_t>& packed_input(std::int64_t elements) {
  static std::map<std::int64_t, aligned_buffer<std::uint8_t>> cache;
  auto found = cache.find(elements);
  if (found != cache.end())
    return found->second;
  aligned_buffer<std::uint8_t> values((elements + 1) / 2);
  detail::fill_random random(static_cast<std::uint64_t>(elements) * 17);
  for (std::uint8_t& value : values.span())
    value = static_cast<std::uint8_t>(random.next());
  return cache.emplace(elements, std::move(values)).first->second;
}

/// Reports the algorithm's traffic: `bytes_per_element` read plus written
/// per element (the tensors only; scales and zero points are a few KiB that
/// stay in L1) as bytes/s, elements as items/s, and the element count.
inline void set_traffic(benchmark::State& state, std::int64_t elements, double bytes_per_element) {
  const double iterations = static_cast<double>(state.iterations());
  state.SetBytesProcessed(
      static_cast<std::int64_t>(iterations * static_cast<double>(elements) * bytes_per_element));
  state.SetItemsProcessed(static_cast<std::int64_t>(iterations * static_cast<double>(elements)));
  state.counters["elements"] = static_cast<double>(elements);
}

/// `elements` of the row: its argument is the float32 tensor's size in bytes.
inline std::int64_t elements_of(const benchmark::State& state) {
  return state.range(0) / 4;
}

/// One row name: family/variant/isa (Google Benchmark appends /<bytes>).
inline std::string row_name(std::string_view family, std::string_view variant,
                            std::string_view isa) {
  std::string name(family);
  if (!variant.empty()) {
    name += '/';
    name += variant;
  }
  name += '/';
  name += isa;
  return name;
}

/// Gives a registered family its sizes, timed in microseconds.
///
/// Rationale: CPU time, not UseRealTime(): the code is single-threaded, so the
/// two agree but for preemption by other processes, which CPU time leaves out;
/// and UseRealTime() would append /real_time to every row name.
inline benchmark::internal::Benchmark* with_sizes(benchmark::internal::Benchmark* family,
                                                  std::span<const std::int64_t> sizes) {
  for (std::int64_t bytes : sizes)
    family->Arg(bytes);
  return family->Unit(benchmark::kMicrosecond);
}

inline benchmark::internal::Benchmark* with_sizes(benchmark::internal::Benchmark* family) {
  return with_sizes(family, tensor_bytes);
}

}  // namespace qlower::bench::quant
