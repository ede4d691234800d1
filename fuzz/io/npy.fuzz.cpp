// SPDX-License-Identifier: Apache-2.0
// The .npy reader on any bytes. Invariants: reading gives an array or a
// qlower::error, never another exception, and checks every size before it
// allocates (the fuzzer's memory limit catches one that does not); an array
// that reads writes (write_npy) to bytes that read to an equal array, and
// writing that again gives the same bytes. The element conversions answer
// with values or a typed error.

#include "qlower/io/npy.hpp"

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "fuzz/check.hpp"

namespace {

using qlower::io::npy_array;

std::string describe(const npy_array& array) {
  return std::string(qlower::io::to_string(array.dtype())) + " " + array.shape().to_string() +
         ", " + std::to_string(array.bytes().size()) + " bytes of data";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(data), size);
  npy_array array;
  if (!qlower::fuzz::typed_error_or_success("read_npy",
                                            [&] { array = qlower::io::read_npy(bytes, "<fuzz>"); }))
    return 0;

  const std::vector<std::byte> written = qlower::fuzz::must_succeed(
      "write_npy of an array read_npy returned", [&] { return qlower::io::write_npy(array); });
  const npy_array again = qlower::fuzz::must_succeed(
      "read_npy of write_npy's output", [&] { return qlower::io::read_npy(written, "<written>"); });
  QLOWER_FUZZ_CHECK(again == array, "read " + describe(array) + ", read back " + describe(again));
  QLOWER_FUZZ_CHECK(qlower::io::write_npy(again) == written,
                    "writing the array read back gives other bytes: " + describe(array));

  // The conversions a caller makes: each gives values or a typed error.
  const auto count = static_cast<std::size_t>(array.element_count());
  auto expect_count = [&](const char* what, std::size_t got) {
    QLOWER_FUZZ_CHECK(got == count, std::string(what) + " gave " + std::to_string(got) +
                                        " values for " + describe(array));
  };
  qlower::fuzz::typed_error_or_success("floats_as<float>", [&] {
    expect_count("floats_as<float>", array.floats_as<float>().size());
  });
  qlower::fuzz::typed_error_or_success("floats_as<double>", [&] {
    expect_count("floats_as<double>", array.floats_as<double>().size());
  });
  qlower::fuzz::typed_error_or_success("integers_as<std::int32_t>", [&] {
    expect_count("integers_as<std::int32_t>", array.integers_as<std::int32_t>().size());
  });
  qlower::fuzz::typed_error_or_success("integers_as<std::uint8_t>", [&] {
    expect_count("integers_as<std::uint8_t>", array.integers_as<std::uint8_t>().size());
  });
  qlower::fuzz::typed_error_or_success("values_as<std::int64_t>", [&] {
    expect_count("values_as<std::int64_t>", array.values_as<std::int64_t>().size());
  });
  return 0;
}
