// SPDX-License-Identifier: Apache-2.0
#include "qlower/quant/kernels/lanes.hpp"

#include <catch2/catch.hpp>
#include <cstdint>
#include <limits>
#include <vector>
#include <xsimd/xsimd.hpp>

namespace {

using qlower::quant::kernels::int_batch;

template <class Q>
void widen_then_narrow_round_trips() {
  using arch = xsimd::default_arch;
  constexpr std::size_t lanes = int_batch<arch>::size;
  std::vector<Q> values(lanes + 4, Q{0});
  for (std::size_t i = 0; i < lanes; ++i)  // the extremes of Q and values in between
    values[i] = i % 2 == 0 ? std::numeric_limits<Q>::min() + static_cast<Q>(i)
                           : std::numeric_limits<Q>::max() - static_cast<Q>(i);
  const int_batch<arch> widened = qlower::quant::kernels::load_widened<arch>(values.data());
  for (std::size_t i = 0; i < lanes; ++i)
    CHECK(widened.get(i) == static_cast<std::int32_t>(values[i]));
  std::vector<Q> narrowed(lanes + 4, Q{0x11});
  qlower::quant::kernels::store_narrowed<arch>(narrowed.data(), widened);
  for (std::size_t i = 0; i < lanes; ++i)
    CHECK(narrowed[i] == values[i]);
  for (std::size_t i = lanes; i < narrowed.size(); ++i)
    CHECK(narrowed[i] == Q{0x11});  // exactly one batch written
}

}  // namespace

TEST_CASE("lanes: widening loads and narrowing stores keep every value of every storage type",
          "[quant]") {
  widen_then_narrow_round_trips<std::int8_t>();
  widen_then_narrow_round_trips<std::uint8_t>();
  widen_then_narrow_round_trips<std::int16_t>();
  widen_then_narrow_round_trips<std::uint16_t>();
  widen_then_narrow_round_trips<std::int32_t>();
}
