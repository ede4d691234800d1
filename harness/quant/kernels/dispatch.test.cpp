// SPDX-License-Identifier: Apache-2.0
#include "qlower/quant/kernels/dispatch.hpp"

#include <catch2/catch.hpp>
#include <string_view>
#include <vector>

// The dispatched kernels are linked only where qlower::kernels is built
// (x86-64); elsewhere this header must still compile (the header check).
#ifdef QLOWER_HAVE_KERNELS
TEST_CASE("dispatched kernels run on the best instruction set and agree with the header-only ones",
          "[quant]") {
  using namespace qlower::quant;
  const std::string_view isa = dispatched::active_isa();
  INFO("active ISA " << isa);
  CHECK((isa == "avx512bw" || isa == "fma3+avx2" || isa == "sse4.2" || isa == "sse2"));
  // The best set of dispatched::architectures that the CPU has.
  const std::string_view best = machine_has<xsimd::avx512bw>()            ? "avx512bw"
                                : machine_has<xsimd::fma3<xsimd::avx2>>() ? "fma3+avx2"
                                : machine_has<xsimd::sse4_2>()            ? "sse4.2"
                                                                          : "sse2";
  CHECK(isa == best);
  std::vector<float> input(1000);
  for (std::size_t i = 0; i < input.size(); ++i)
    input[i] = static_cast<float>(i) * 0.37f - 180.0f;
  const affine_qparams qparams(0.75f, -3, quant_dtype::int8);
  std::vector<std::int8_t> dispatched_q(input.size()), header_q(input.size());
  dispatched::quantize_affine(std::span<const float>(input), qlower::shape{1000}, qparams,
                              std::span<std::int8_t>(dispatched_q));
  quantize_affine(std::span<const float>(input), qlower::shape{1000}, qparams,
                  std::span<std::int8_t>(header_q));
  CHECK(dispatched_q == header_q);
}
#endif
