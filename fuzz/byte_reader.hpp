// SPDX-License-Identifier: Apache-2.0
#pragma once

// Decodes structured values from a fuzzer's bytes. Reads past the end give
// zeros, so every input decodes to something and a mutation that shortens it
// still means nearly the same thing. Written here rather than taken from
// FuzzedDataProvider.h: the replay programs are also built with g++, which
// does not ship that header.

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace qlower::fuzz {

class byte_reader {
 public:
  byte_reader(const std::uint8_t* data, std::size_t size) noexcept : data_(data), size_(size) {}

  std::size_t remaining() const noexcept { return size_ - position_; }
  bool empty() const noexcept { return remaining() == 0; }

  std::uint8_t u8() noexcept { return position_ < size_ ? data_[position_++] : 0; }
  std::uint16_t u16() noexcept { return static_cast<std::uint16_t>(unsigned_bytes(2)); }
  std::uint32_t u32() noexcept { return static_cast<std::uint32_t>(unsigned_bytes(4)); }
  std::uint64_t u64() noexcept { return unsigned_bytes(8); }
  bool boolean() noexcept { return (u8() & 1U) != 0; }

  /// A value in [low, high], reading only as many bytes as the range needs.
  template <class T>
  T in_range(T low, T high) noexcept {
    static_assert(std::is_integral_v<T>);
    if (high <= low)
      return low;
    const auto span = static_cast<std::uint64_t>(high) - static_cast<std::uint64_t>(low);
    const std::size_t bytes = span < 0x100ULL         ? 1
                              : span < 0x10000ULL     ? 2
                              : span < 0x100000000ULL ? 4
                                                      : 8;
    std::uint64_t value = unsigned_bytes(bytes);
    if (span != std::numeric_limits<std::uint64_t>::max())
      value %= span + 1;
    return static_cast<T>(static_cast<std::uint64_t>(low) + value);
  }

  /// One of `choices`, chosen by one byte (or two for long lists).
  template <class T, std::size_t N>
  const T& pick(const std::array<T, N>& choices) noexcept {
    static_assert(N > 0);
    return choices[in_range<std::size_t>(0, N - 1)];
  }

  /// The bit pattern of a float or double, read as they lie (NaNs, infinities
  /// and subnormals included).
  float f32_bits() noexcept { return std::bit_cast<float>(u32()); }
  double f64_bits() noexcept { return std::bit_cast<double>(u64()); }

  /// Up to `count` raw bytes, fewer when the input ends.
  std::string_view bytes(std::size_t count) noexcept {
    const std::size_t taken = count < remaining() ? count : remaining();
    const std::string_view result(reinterpret_cast<const char*>(data_ + position_), taken);
    position_ += taken;
    return result;
  }

  /// A string of 0 to max_length bytes: a length byte, then the bytes.
  std::string short_string(std::size_t max_length) {
    return std::string(bytes(in_range<std::size_t>(0, max_length)));
  }

  /// Everything not read yet.
  std::string_view rest() noexcept { return bytes(remaining()); }

 private:
  std::uint64_t unsigned_bytes(std::size_t count) noexcept {
    std::uint64_t value = 0;
    for (std::size_t i = 0; i < count; ++i)
      value |= static_cast<std::uint64_t>(u8()) << (8 * i);
    return value;
  }

  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t position_ = 0;
};

}  // namespace qlower::fuzz
