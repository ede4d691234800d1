// SPDX-License-Identifier: Apache-2.0
#include "qlower/io/npy.hpp"

#include <rapidcheck/catch.h>

#include <algorithm>
#include <bit>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "harness/message_contains.hpp"
#include "qlower/quant/quant_dtype.hpp"

#ifndef QLOWER_NPY_VECTORS_DIR
#error "harness/CMakeLists.txt must define QLOWER_NPY_VECTORS_DIR as harness/io/npy"
#endif

namespace {

namespace fs = std::filesystem;
using qlower::io::npy_array;
using qlower::io::npy_dtype;
using qlower::io::npy_error;
using qlower::io::read_npy;
using qlower::io::write_npy;
using bytes_t = std::vector<std::byte>;

const fs::path vectors_dir = QLOWER_NPY_VECTORS_DIR;

bytes_t bytes_of(std::string_view text) {
  bytes_t bytes(text.size());
  std::transform(text.begin(), text.end(), bytes.begin(),
                 [](char c) { return static_cast<std::byte>(c); });
  return bytes;
}

std::string text_of(std::span<const std::byte> bytes) {
  return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

/// The little-endian bytes of `values`.
template <class T>
std::string le(std::initializer_list<T> values) {
  std::string text;
  for (T value : values) {
    char raw[sizeof(T)];
    std::memcpy(raw, &value, sizeof(T));
    if constexpr (std::endian::native == std::endian::big)
      std::reverse(raw, raw + sizeof(T));
    text.append(raw, sizeof(T));
  }
  return text;
}

/// The big-endian bytes of `values`.
template <class T>
std::string be(std::initializer_list<T> values) {
  std::string text = le(values);
  for (std::size_t i = 0; i < text.size(); i += sizeof(T))
    std::reverse(text.begin() + static_cast<std::ptrdiff_t>(i),
                 text.begin() + static_cast<std::ptrdiff_t>(i + sizeof(T)));
  return text;
}

/// A file of format `major`.0 holding `dict` as its header exactly as given
/// (no padding), then `data`.
std::string npy_file(std::string_view dict, std::string_view data = "", int major = 1) {
  std::string file = "\x93NUMPY";
  file += static_cast<char>(major);
  file += '\0';
  const std::size_t length = dict.size();
  file += static_cast<char>(length & 0xff);
  file += static_cast<char>((length >> 8) & 0xff);
  if (major != 1) {
    file += static_cast<char>((length >> 16) & 0xff);
    file += static_cast<char>((length >> 24) & 0xff);
  }
  file += dict;
  file += data;
  return file;
}

npy_array read_text(const std::string& file) {
  return read_npy(bytes_of(file), "t.npy");
}

/// Reading `file` as "t.npy" fails with npy_error at `field`, the message
/// containing `part` (the offending value).
void require_npy_error(const std::string& file, const std::string& field, const std::string& part) {
  try {
    static_cast<void>(read_text(file));
    FAIL("read_npy accepted the file");
  } catch (const npy_error& failure) {
    INFO(failure.what());
    CHECK(failure.location().source == "t.npy");
    CHECK(failure.location().field == field);
    CHECK_THAT(failure.what(), Catch::StartsWith("t.npy: field '" + field + "': "));
    CHECK_THAT(failure.message(), Catch::Contains(part));
  }
}

/// "{'descr': 'D', 'fortran_order': F, 'shape': S, }" as NumPy orders and spells it.
std::string numpy_dict(std::string_view descr, std::string_view shape,
                       std::string_view fortran = "False") {
  return "{'descr': '" + std::string(descr) + "', 'fortran_order': " + std::string(fortran) +
         ", 'shape': " + std::string(shape) + ", }";
}

//===--- Accepted forms ---===//

TEST_CASE("npy: a float32 (2, 3) file exactly as NumPy 1.x writes it reads and writes back",
          "[io][npy]") {
  // np.save of a C-order '<f4' (2, 3) array: version 1.0, header length 118,
  // the dict, 20 spaces of growth room and alignment padding, '\n' at byte 127.
  const std::string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
  const std::string header = dict + std::string(118 - dict.size() - 1, ' ') + "\n";
  const std::string data = le<float>({0.0f, 1.5f, -2.0f, 3.25f, -0.0f, 1e-45f});
  const std::string file = std::string("\x93NUMPY\x01\x00\x76\x00", 10) + header + data;
  REQUIRE(file.size() == 128 + 24);

  const npy_array array = read_text(file);
  CHECK(array.dtype() == npy_dtype::float32);
  CHECK(array.shape() == qlower::shape{2, 3});
  CHECK(array.source() == "t.npy");
  const std::vector<float> values = array.values_as<float>();
  CHECK(values == std::vector<float>{0.0f, 1.5f, -2.0f, 3.25f, -0.0f, 1e-45f});
  CHECK(std::signbit(values[4]));
  CHECK(write_npy(array) == bytes_of(file));
}

TEST_CASE("npy: every dtype reads from its NumPy descr with its values", "[io][npy]") {
  const auto check = [](std::string_view descr, const std::string& data, npy_dtype type) {
    INFO(descr);
    const npy_array array = read_text(npy_file(numpy_dict(descr, "(3,)"), data));
    CHECK(array.dtype() == type);
    CHECK(array.shape() == qlower::shape{3});
    CHECK(text_of(write_npy(array)).find("'descr': '" + std::string(descr) + "'") !=
          std::string::npos);
    return array;
  };
  CHECK(check("|i1", le<std::int8_t>({-128, 0, 127}), npy_dtype::int8).values_as<std::int8_t>() ==
        std::vector<std::int8_t>{-128, 0, 127});
  CHECK(check("|u1", le<std::uint8_t>({0, 1, 255}), npy_dtype::uint8).values_as<std::uint8_t>() ==
        std::vector<std::uint8_t>{0, 1, 255});
  CHECK(check("<i2", le<std::int16_t>({-32768, -1, 32767}), npy_dtype::int16)
            .values_as<std::int16_t>() == std::vector<std::int16_t>{-32768, -1, 32767});
  CHECK(check("<u2", le<std::uint16_t>({0, 258, 65535}), npy_dtype::uint16)
            .values_as<std::uint16_t>() == std::vector<std::uint16_t>{0, 258, 65535});
  CHECK(check("<i4", le<std::int32_t>({std::numeric_limits<std::int32_t>::min(), -7, 1 << 30}),
              npy_dtype::int32)
            .values_as<std::int32_t>() ==
        std::vector<std::int32_t>{std::numeric_limits<std::int32_t>::min(), -7, 1 << 30});
  CHECK(check("<u4", le<std::uint32_t>({0, 0x01020304u, 0xffffffffu}), npy_dtype::uint32)
            .values_as<std::uint32_t>() == std::vector<std::uint32_t>{0, 0x01020304u, 0xffffffffu});
  CHECK(check("<i8", le<std::int64_t>({std::numeric_limits<std::int64_t>::min(), -1, 1LL << 40}),
              npy_dtype::int64)
            .values_as<std::int64_t>() ==
        std::vector<std::int64_t>{std::numeric_limits<std::int64_t>::min(), -1, 1LL << 40});
  CHECK(check("<u8", le<std::uint64_t>({0, 1ULL << 63, ~0ULL}), npy_dtype::uint64)
            .values_as<std::uint64_t>() == std::vector<std::uint64_t>{0, 1ULL << 63, ~0ULL});
  CHECK(check("<f4", le<float>({-1.5f, 0.0f, 3.0e38f}), npy_dtype::float32).values_as<float>() ==
        std::vector<float>{-1.5f, 0.0f, 3.0e38f});
  CHECK(check("<f8", le<double>({-1.5, 1e-300, 1e300}), npy_dtype::float64).values_as<double>() ==
        std::vector<double>{-1.5, 1e-300, 1e300});
}

TEST_CASE("npy: header dicts as NumPy and other writers spell them are accepted", "[io][npy]") {
  const std::string two = le<std::int16_t>({7, -7});
  const auto accepts = [](const std::string& file, const qlower::shape& dims) {
    INFO(file);
    const npy_array array = read_text(file);
    CHECK(array.shape() == dims);
    return array;
  };
  SECTION("keys in any order") {
    accepts(npy_file("{'shape': (2,), 'descr': '<i2', 'fortran_order': False}", two), {2});
    accepts(npy_file("{'fortran_order': False, 'shape': (2,), 'descr': '<i2'}", two), {2});
  }
  SECTION("double quotes, mixed quotes") {
    accepts(npy_file(R"({"descr": "<i2", "fortran_order": False, "shape": (2,)})", two), {2});
    accepts(npy_file(R"({'descr': "<i2", "fortran_order": False, 'shape': (2,), })", two), {2});
  }
  SECTION("with or without the trailing comma, with any whitespace or none") {
    accepts(npy_file("{'descr':'<i2','fortran_order':False,'shape':(2,)}", two), {2});
    accepts(npy_file("  {\t'descr' :  '<i2' ,\n 'fortran_order' : False ,\r\n 'shape' : ( 2 , ) "
                     ", }  \n",
                     two),
            {2});
    accepts(npy_file("{'descr': '<i2', 'fortran_order': False, 'shape': (2,),}", two), {2});
  }
  SECTION("no padding and no final newline, or 16-byte alignment as NumPy < 1.9") {
    accepts(npy_file(numpy_dict("<i2", "(2,)"), two), {2});
    const std::string dict = numpy_dict("<i2", "(2,)");
    const std::size_t padded = (10 + dict.size() + 1 + 15) / 16 * 16 - 10;
    accepts(npy_file(dict + std::string(padded - dict.size() - 1, ' ') + "\n", two), {2});
  }
  SECTION("shapes: (), (n,), (a, b), (a, b,), zero dimensions, Python 2 longs") {
    CHECK(accepts(npy_file(numpy_dict("<i2", "()"), le<std::int16_t>({-3})), {})
              .values_as<std::int16_t>() == std::vector<std::int16_t>{-3});
    accepts(npy_file(numpy_dict("<i2", "(1, 2)"), two), {1, 2});
    accepts(npy_file(numpy_dict("<i2", "(2, 1,)"), two), {2, 1});
    accepts(npy_file(numpy_dict("<i2", "(0,)")), {0});
    accepts(npy_file(numpy_dict("<i2", "(3, 0, 1000000000000)")), {3, 0, 1000000000000});
    accepts(npy_file(numpy_dict("<i2", "(1L, 2L)"), two), {1, 2});
    accepts(npy_file(numpy_dict("<i2", "(-0, 5)")), {0, 5});
  }
  SECTION("versions 2.0 and 3.0: a 32-bit header length; 3.0 is UTF-8") {
    accepts(npy_file(numpy_dict("<i2", "(2,)"), two, 2), {2});
    accepts(npy_file(numpy_dict("<i2", "(2,)"), two, 3), {2});
    // a long padding, as a writer that needs version 2.0 might leave
    accepts(npy_file(numpy_dict("<i2", "(2,)") + std::string(70000, ' ') + "\n", two, 2), {2});
  }
  SECTION("one-byte dtypes in any byte order; '=' is the host's order") {
    CHECK(accepts(npy_file(numpy_dict("<i1", "(2,)"), "\x01\xff"), {2}).values_as<std::int8_t>() ==
          std::vector<std::int8_t>{1, -1});
    CHECK(accepts(npy_file(numpy_dict(">u1", "(2,)"), "\x01\xff"), {2}).values_as<std::uint8_t>() ==
          std::vector<std::uint8_t>{1, 255});
    CHECK(accepts(npy_file(numpy_dict("=u1", "(2,)"), "\x01\xff"), {2}).values_as<std::uint8_t>() ==
          std::vector<std::uint8_t>{1, 255});
    std::string native(4, '\0');
    const float value = 2.5f;
    std::memcpy(native.data(), &value, 4);
    CHECK(accepts(npy_file(numpy_dict("=f4", "()"), native), {}).values_as<float>() ==
          std::vector<float>{2.5f});
  }
}

TEST_CASE("npy: big-endian ('>') data is swapped to host order on read", "[io][npy]") {
  CHECK(read_text(npy_file(numpy_dict(">i2", "(2,)"), be<std::int16_t>({258, -2})))
            .values_as<std::int16_t>() == std::vector<std::int16_t>{258, -2});
  CHECK(read_text(npy_file(numpy_dict(">u4", "(2,)"), be<std::uint32_t>({0x01020304u, 5})))
            .values_as<std::uint32_t>() == std::vector<std::uint32_t>{0x01020304u, 5});
  CHECK(read_text(npy_file(numpy_dict(">i8", "(1,)"), be<std::int64_t>({-1234567890123LL})))
            .values_as<std::int64_t>() == std::vector<std::int64_t>{-1234567890123LL});
  CHECK(
      read_text(npy_file(numpy_dict(">f4", "(2,)"), be<float>({1.0f, -0.5f}))).values_as<float>() ==
      std::vector<float>{1.0f, -0.5f});
  CHECK(read_text(npy_file(numpy_dict(">f8", "()"), be<double>({3.14}))).values_as<double>() ==
        std::vector<double>{3.14});
  // written back little-endian, as NumPy's np.save(a.astype('<i2')) would
  const npy_array array = read_text(npy_file(numpy_dict(">i2", "(2,)"), be<std::int16_t>({1, 2})));
  CHECK(text_of(write_npy(array)).find("'<i2'") != std::string::npos);
  CHECK(text_of(write_npy(array)).ends_with(le<std::int16_t>({1, 2})));
}

TEST_CASE("npy: Fortran-order data is transposed to C order on read", "[io][npy]") {
  // [[1, 2, 3], [4, 5, 6]] in column-major order
  const npy_array matrix = read_text(
      npy_file(numpy_dict("<i2", "(2, 3)", "True"), le<std::int16_t>({1, 4, 2, 5, 3, 6})));
  CHECK(matrix.shape() == qlower::shape{2, 3});
  CHECK(matrix.values_as<std::int16_t>() == std::vector<std::int16_t>{1, 2, 3, 4, 5, 6});
  // rank 3: element (i, j, k) = 100i + 10j + k sits at i + 2j + 6k in Fortran order
  std::vector<std::int32_t> fortran(2 * 3 * 4);
  std::vector<std::int32_t> c_order;
  for (int i = 0; i < 2; ++i) {
    for (int j = 0; j < 3; ++j) {
      for (int k = 0; k < 4; ++k) {
        fortran[static_cast<std::size_t>(i + 2 * j + 6 * k)] = 100 * i + 10 * j + k;
        c_order.push_back(100 * i + 10 * j + k);
      }
    }
  }
  std::string data(fortran.size() * 4, '\0');
  std::memcpy(data.data(), fortran.data(), data.size());
  CHECK(
      read_text(npy_file(numpy_dict("=i4", "(2, 3, 4)", "True"), data)).values_as<std::int32_t>() ==
      c_order);
  // rank 0 and 1 and zero elements: nothing moves
  CHECK(read_text(npy_file(numpy_dict("|u1", "(3,)", "True"), "abc")).values_as<std::uint8_t>() ==
        std::vector<std::uint8_t>{'a', 'b', 'c'});
  CHECK(read_text(npy_file(numpy_dict("|u1", "()", "True"), "a")).element_count() == 1);
  CHECK(read_text(npy_file(numpy_dict("<f8", "(4611686018427387904, 0, 4)", "True")))
            .element_count() == 0);
  // big-endian and Fortran order at once
  CHECK(read_text(npy_file(numpy_dict(">u2", "(2, 2)", "True"), be<std::uint16_t>({1, 3, 2, 4})))
            .values_as<std::uint16_t>() == std::vector<std::uint16_t>{1, 2, 3, 4});
}

//===--- Rejections: each names the offending value ---===//

TEST_CASE("npy: a file that is not a complete .npy preamble is rejected", "[io][npy]") {
  require_npy_error("", "magic", "the file ends after 0 bytes, inside the magic string");
  require_npy_error("\x93NUM", "magic", "the file ends after 4 bytes, inside the magic string");
  require_npy_error("\x93NUMPZ\x01\x00", "magic",
                    R"(it starts with "\x93NUMPZ", not the magic string "\x93NUMPY")");
  require_npy_error("hello", "magic", R"(it starts with "hello")");
  require_npy_error(std::string("PK\x03\x04\x14\x00\x00\x00", 8), "magic",
                    "it looks like a .npz zip archive");
  require_npy_error("\x93NUMPY", "version", "the file ends after 6 bytes, before the version");
  require_npy_error("\x93NUMPY\x01", "version", "the file ends after 7 bytes, before the version");
  require_npy_error(std::string("\x93NUMPY\x04\x00\x10\x00", 10), "version",
                    "format version 4.0 is not supported; expected 1.0, 2.0 or 3.0");
  require_npy_error(std::string("\x93NUMPY\x01\x01\x10\x00", 10), "version", "format version 1.1");
  require_npy_error(std::string("\x93NUMPY\x00\x00\x10\x00", 10), "version", "format version 0.0");
  require_npy_error(std::string("\x93NUMPY\x01\x00\x10", 9), "header",
                    "the file ends after 9 bytes, inside the 2-byte header length");
  require_npy_error(std::string("\x93NUMPY\x02\x00\x10\x00\x00", 11), "header",
                    "the file ends after 11 bytes, inside the 4-byte header length");
  require_npy_error(std::string("\x93NUMPY\x01\x00\x76\x00{}", 12), "header",
                    "the header length 118 runs past the end of the file: 2 bytes follow");
  require_npy_error(std::string("\x93NUMPY\x03\x00\xff\xff\xff\xff{}", 14), "header",
                    "the header length 4294967295 runs past the end of the file");
}

TEST_CASE("npy: a malformed header dict is rejected at the byte that breaks it", "[io][npy]") {
  const auto syntax = [](std::string_view dict, const std::string& part) {
    require_npy_error(npy_file(dict), "header", part);
  };
  syntax("", "at byte 0: expected the opening '{' of the header dict, found the end");
  syntax("   ", "at byte 3: expected the opening '{'");
  syntax("descr: '<f4'", "at byte 0: expected the opening '{' of the header dict, found 'd'");
  syntax("{", "at byte 1: expected a quoted key or '}', found the end of the header");
  syntax("{descr: '<f4'}", "at byte 1: expected a quoted key or '}', found 'd'");
  syntax("{'descr' '<f4'}", "at byte 9: expected ':' after the key 'descr', found '''");
  syntax("{'descr': '<f4' 'shape': ()}",
         "at byte 16: expected ',' or '}' after the value of 'descr', found '''");
  syntax("{'descr': '<f4',, 'shape': ()}", "at byte 16: expected a quoted key or '}', found ','");
  syntax("{,}", "at byte 1: expected a quoted key or '}', found ','");
  syntax("{'descr': '<f4}", "expected the closing quote of the string, found the end");
  syntax("{'descr': '<f4\n'}", "expected the closing quote of the string, found '\\x0a'");
  syntax("{'descr': '<\\x66'}", "expected a string without escape sequences, found '\\x5c'");
  syntax("{'descr': <f4}", "expected a quoted dtype string as the value of 'descr', found '<'");
  syntax("{'fortran_order': false}",
         "expected True or False as the value of 'fortran_order', found 'f'");
  syntax("{'fortran_order': 0}", "expected True or False as the value of 'fortran_order'");
  syntax("{'shape': 5}", "expected a tuple as the value of 'shape', found '5'");
  syntax("{'shape': (2 3)}", "expected ',' or ')' after dimension 0 of the shape, found '3'");
  syntax("{'shape': (2, 3}", "expected ',' or ')' after dimension 1 of the shape, found '}'");
  syntax("{'shape': (2, , 3)}", "expected an integer as dimension 1 of the shape, found ','");
  syntax("{'shape': (,)}", "expected an integer as dimension 0 of the shape, found ','");
  syntax("{'shape': (2.0,)}", "expected ',' or ')' after dimension 0 of the shape, found '.'");
  syntax("{'shape': (+2,)}", "expected an integer as dimension 0 of the shape, found '+'");
  syntax("{'shape': (0x10,)}", "expected ',' or ')' after dimension 0 of the shape, found 'x'");
  syntax(numpy_dict("<f4", "()") + " x", "expected the end of the header after the closing '}'");
  syntax(numpy_dict("<f4", "()") + std::string(1, '\0'),
         "expected the end of the header after the closing '}', found '\\x00'");
  syntax("{'descr': '<f4', 'fortran_order': False, 'shape': (), }}", "found '}'");
}

TEST_CASE("npy: unknown, missing and repeated header keys are rejected by name", "[io][npy]") {
  require_npy_error(
      npy_file("{'descr': '<f4', 'fortran_order': False, 'shape': (), 'version': 2}"), "header",
      "unknown key 'version'; a .npy header has exactly 'descr', 'fortran_order' and 'shape'");
  require_npy_error(npy_file("{'Descr': '<f4'}"), "header", "unknown key 'Descr'");
  require_npy_error(npy_file("{'fortran_order': False, 'shape': ()}"), "header",
                    "the required key 'descr' is missing");
  require_npy_error(npy_file("{'descr': '<f4', 'shape': ()}"), "header",
                    "the required key 'fortran_order' is missing");
  require_npy_error(npy_file("{'descr': '<f4', 'fortran_order': True}"), "header",
                    "the required key 'shape' is missing");
  require_npy_error(npy_file("{}"), "header", "the required key 'descr' is missing");
  require_npy_error(npy_file("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, "
                             "'shape': ()}"),
                    "header", "the key 'descr' appears twice");
  require_npy_error(npy_file("{'shape': (), 'descr': '<f4', 'fortran_order': False, "
                             "'shape': (1,)}"),
                    "header", "the key 'shape' appears twice");
}

TEST_CASE("npy: dtypes qlower does not read are rejected naming the descr", "[io][npy]") {
  const std::string expected =
      "expected one of '|i1', '|u1', '<i2', '<u2', '<i4', '<u4', '<i8', "
      "'<u8', '<f4', '<f8'";
  for (std::string_view descr : {"<c8", "<f2", "|b1", "<U5", "|S3", "|V4", "<M8[ns]", "<f16", "f4",
                                 "<F4", "<i3", "", "float32", "<i4 "}) {
    INFO(descr);
    require_npy_error(npy_file(numpy_dict(descr, "()")), "descr",
                      "dtype '" + std::string(descr) + "' is not supported; " + expected);
  }
  require_npy_error(npy_file(numpy_dict("|O", "(2,)"), std::string(16, '\0')), "descr",
                    "dtype '|O' is an object array (pickled Python objects), not numbers");
  require_npy_error(npy_file(numpy_dict("|O8", "()")), "descr", "dtype '|O8' is an object array");
  require_npy_error(npy_file("{'descr': [('x', '<f4')], 'fortran_order': False, 'shape': ()}"),
                    "descr", "a structured dtype (a list of fields) is not supported; " + expected);
  require_npy_error(npy_file(numpy_dict("|f4", "()"), "abcd"), "descr",
                    "dtype '|f4' has no byte order, but float32 has 4 bytes; expected '<' "
                    "(little-endian), '>' (big-endian) or '=' (native)");
  require_npy_error(npy_file(numpy_dict("|i2", "()"), "ab"), "descr", "dtype '|i2' has no byte");
  // non-ASCII and control bytes are escaped, long values cut
  require_npy_error(npy_file(numpy_dict("<f\xc3\xa9", "()")), "descr",
                    "dtype '<f\\xc3\\xa9' is not supported");
  require_npy_error(npy_file(numpy_dict(std::string(100, 'z'), "()")), "descr",
                    "dtype '" + std::string(40, 'z') + "...' is not supported");
}

TEST_CASE("npy: bad shapes are rejected naming the dimension", "[io][npy]") {
  require_npy_error(npy_file(numpy_dict("<f4", "(2, -3)")), "shape", "dimension 1 is negative: -3");
  require_npy_error(npy_file(numpy_dict("<f4", "(99999999999999999999,)")), "shape",
                    "dimension 0 is 99999999999999999999, which overflows int64");
  require_npy_error(npy_file(numpy_dict("<f4", "(9223372036854775808,)")), "shape",
                    "dimension 0 is 9223372036854775808, which overflows int64");
  require_npy_error(npy_file(numpy_dict("<f4", "(1, " + std::string(200, '9') + ")")), "shape",
                    "dimension 1 is " + std::string(30, '9') + "..., which overflows int64");
  require_npy_error(npy_file(numpy_dict("<f4", "(4294967296, 4294967296)")), "shape",
                    "element count of shape (4294967296, 4294967296) overflows int64");
  // counted left to right, as qlower::shape does: NumPy rejects this too ("array is too big")
  require_npy_error(npy_file(numpy_dict("<f8", "(4611686018427387904, 4, 0)")), "shape",
                    "element count of shape (4611686018427387904, 4, 0) overflows int64");
  require_npy_error(npy_file(numpy_dict("<f8", "(2305843009213693952,)")), "shape",
                    "byte size of shape (2305843009213693952,) in float64 overflows int64");
  require_npy_error(npy_file(numpy_dict("<f4", "[2, 3]")), "shape",
                    "the shape is a list, not a tuple; expected a tuple like (2, 3)");
  require_npy_error(npy_file(numpy_dict("<f4", "(5)")), "shape",
                    "(5) is a number, not a tuple; a one-dimension shape is written (5,)");
  // 64 dimensions are NumPy 2's limit; 65 are rejected before any is stored
  std::string ones = "(";
  for (int i = 0; i < 64; ++i)
    ones += "1, ";
  CHECK(read_text(npy_file(numpy_dict("|u1", ones + ")"), "x")).shape().rank() == 64);
  require_npy_error(npy_file(numpy_dict("|u1", ones + "1)"), "x"), "shape",
                    "rank above 64, the most NumPy reads");
}

TEST_CASE("npy: data shorter or longer than the shape needs is rejected with both sizes",
          "[io][npy]") {
  require_npy_error(npy_file(numpy_dict("<f4", "(2, 3)"), std::string(20, '\0')), "data",
                    "shape (2, 3) of float32 needs 24 bytes of data, but 20 follow the header: "
                    "the file is truncated");
  require_npy_error(npy_file(numpy_dict("<f4", "(2, 3)"), std::string(25, '\0')), "data",
                    "shape (2, 3) of float32 needs only 24 bytes of data, but 25 follow the "
                    "header: 1 byte too many at the end");
  require_npy_error(npy_file(numpy_dict("|u1", "(0,)"), "x"), "data",
                    "needs only 0 bytes of data, but 1 follow");
  require_npy_error(npy_file(numpy_dict("|u1", "()")), "data",
                    "shape () of uint8 needs 1 byte of data, but 0 follow");
  // a small file claiming 10**18 elements: an error before any allocation
  const std::string huge = npy_file(numpy_dict("<f4", "(1000000000000000000,)"), "ab");
  require_npy_error(huge, "data", "needs 4000000000000000000 bytes of data, but 2 follow");
  require_npy_error(npy_file(numpy_dict("<f8", "(1000000, 1000000, 1000)", "True")), "data",
                    "needs 8000000000000000 bytes of data, but 0 follow");
}

//===--- Conversions ---===//

TEST_CASE("npy: values_as takes only the array's own element type", "[io][npy]") {
  const npy_array scale =
      read_npy(bytes_of(npy_file(numpy_dict("<f8", "(2,)"), le<double>({0.5, 0.25}))), "scale.npy");
  CHECK(scale.values_as<double>() == std::vector<double>{0.5, 0.25});
  REQUIRE_THROWS_MATCHES(
      scale.values_as<float>(), npy_error,
      qlower::harness::message_contains("scale.npy: field 'descr': expected float32, got float64 "
                                        "('<f8')"));
  REQUIRE_THROWS_MATCHES(npy_array().values_as<std::int32_t>(), npy_error,
                         qlower::harness::message_contains(
                             "<memory>: field 'descr': expected int32, got float32 ('<f4')"));
}

TEST_CASE("npy: integers_as widens any integer dtype and names a value that does not fit",
          "[io][npy]") {
  const auto file = [](std::string_view descr, std::string_view shape, const std::string& data) {
    return read_npy(bytes_of(npy_file(numpy_dict(descr, shape), data)), "zp.npy");
  };
  CHECK(file("|u1", "(2,)", std::string("\x00\xff", 2)).integers_as<std::int32_t>() ==
        std::vector<std::int32_t>{0, 255});
  CHECK(file("|i1", "(2,)", "\x80\x7f").integers_as<std::int64_t>() ==
        std::vector<std::int64_t>{-128, 127});
  CHECK(file("<u2", "(1,)", le<std::uint16_t>({65535})).integers_as<std::int32_t>() ==
        std::vector<std::int32_t>{65535});
  CHECK(file("<i8", "(2, 1)", le<std::int64_t>({-5, 7})).integers_as<std::int8_t>() ==
        std::vector<std::int8_t>{-5, 7});
  CHECK(file("<u8", "()", le<std::uint64_t>({42})).integers_as<int>() == std::vector<int>{42});
  CHECK(file("<u4", "(0, 3)", "").integers_as<std::int32_t>().empty());

  REQUIRE_THROWS_MATCHES(
      file("<i8", "(2, 3)", le<std::int64_t>({0, 1, 2, 3, 300, 5})).integers_as<std::int8_t>(),
      npy_error,
      qlower::harness::message_contains(
          "zp.npy: field 'data[1, 1]': value 300 does not fit in int8 [-128, 127]"));
  REQUIRE_THROWS_MATCHES(file("<u8", "()", le<std::uint64_t>({~0ULL})).integers_as<std::int64_t>(),
                         npy_error,
                         qlower::harness::message_contains(
                             "field 'data[()]': value 18446744073709551615 does not fit in int64"));
  REQUIRE_THROWS_MATCHES(file("|i1", "(3,)", "\x01\x02\xff").integers_as<std::uint32_t>(),
                         npy_error,
                         qlower::harness::message_contains(
                             "field 'data[2]': value -1 does not fit in uint32 [0, 4294967295]"));
  REQUIRE_THROWS_MATCHES(file("<f4", "()", le<float>({1.0f})).integers_as<std::int32_t>(),
                         npy_error,
                         qlower::harness::message_contains(
                             "zp.npy: field 'descr': expected an integer dtype, got float32"));
}

TEST_CASE("npy: floats_as reads float32 and float64, naming a float64 beyond float32's range",
          "[io][npy]") {
  const auto file = [](std::string_view descr, const std::string& data) {
    const auto itemsize = static_cast<std::size_t>(descr[2] - '0');
    const std::string shape = "(" + std::to_string(data.size() / itemsize) + ",)";
    return read_npy(bytes_of(npy_file(numpy_dict(descr, shape), data)), "s.npy");
  };
  const double inf = std::numeric_limits<double>::infinity();
  const double flt_max = std::numeric_limits<float>::max();
  CHECK(file("<f4", le<float>({0.5f, -2.0f})).floats_as<float>() ==
        std::vector<float>{0.5f, -2.0f});
  CHECK(file("<f4", le<float>({0.1f})).floats_as<double>() ==
        std::vector<double>{static_cast<double>(0.1f)});
  // rounds to nearest, as numpy's astype(np.float32); infinities are kept
  const std::vector<float> narrowed =
      file("<f8", le<double>({0.1, 1e-50, -inf, inf, flt_max, -flt_max})).floats_as<float>();
  CHECK(narrowed == std::vector<float>{0.1f, 0.0f, -std::numeric_limits<float>::infinity(),
                                       std::numeric_limits<float>::infinity(),
                                       std::numeric_limits<float>::max(),
                                       -std::numeric_limits<float>::max()});
  CHECK(std::isnan(file("<f8", le<double>({std::nan("")})).floats_as<float>()[0]));
  // just below the midpoint of FLT_MAX and 2^128 still rounds to FLT_MAX
  CHECK(file("<f8", le<double>({std::nextafter(0x1.ffffffp+127, 0.0)})).floats_as<float>() ==
        std::vector<float>{std::numeric_limits<float>::max()});

  REQUIRE_THROWS_MATCHES(
      file("<f8", le<double>({1.0, 0x1.ffffffp+127})).floats_as<float>(), npy_error,
      qlower::harness::message_contains("s.npy: field 'data[1]': float64 value "
                                        "3.4028235677973366e+38 is beyond float32's range "
                                        "(largest finite 3.4028234663852886e+38)"));
  REQUIRE_THROWS_MATCHES(file("<f8", le<double>({-1e300})).floats_as<float>(), npy_error,
                         qlower::harness::message_contains("float64 value -1e+300 is beyond"));
  REQUIRE_THROWS_MATCHES(file("<i4", le<std::int32_t>({1})).floats_as<float>(), npy_error,
                         qlower::harness::message_contains(
                             "s.npy: field 'descr': expected float32 or float64, got int32 "
                             "('<i4')"));
}

TEST_CASE("npy: npy_array keeps its size invariant and maps quantized dtypes to storage",
          "[io][npy]") {
  const npy_array zero;
  CHECK(zero.dtype() == npy_dtype::float32);
  CHECK(zero.shape().rank() == 0);
  CHECK(zero.values_as<float>() == std::vector<float>{0.0f});

  const npy_array built =
      npy_array::from_values(qlower::shape{2}, std::vector<std::uint16_t>{1, 2});
  CHECK(built == read_npy(write_npy(built)));
  CHECK(built != npy_array::from_values(qlower::shape{2}, std::vector<std::int16_t>{1, 2}));
  CHECK(built != npy_array::from_values(qlower::shape{2, 1}, std::vector<std::uint16_t>{1, 2}));

  REQUIRE_THROWS_MATCHES(
      npy_array::from_values(qlower::shape{2, 3}, std::vector<float>(5)), npy_error,
      qlower::harness::message_contains("field 'data': 5 values given, but shape (2, 3) holds 6"));
  REQUIRE_THROWS_MATCHES(
      npy_array(npy_dtype::int16, qlower::shape{3}, bytes_t(5)), npy_error,
      qlower::harness::message_contains(
          "field 'data': 5 bytes of data given, but shape (3,) of int16 needs 6"));
  REQUIRE_THROWS_MATCHES(
      npy_array(npy_dtype::float64, qlower::shape{std::int64_t{1} << 61}, bytes_t{}), npy_error,
      qlower::harness::message_contains(
          "byte size of shape (2305843009213693952,) in float64 overflows int64"));
  REQUIRE_THROWS_MATCHES(
      npy_array(npy_dtype::uint8, qlower::shape(std::vector<std::int64_t>(65, 1)), bytes_t(1)),
      npy_error, qlower::harness::message_contains("rank 65 exceeds 64"));

  using qlower::io::npy_storage_dtype;
  using qlower::quant::quant_dtype;
  CHECK(npy_storage_dtype(quant_dtype::int8) == npy_dtype::int8);
  CHECK(npy_storage_dtype(quant_dtype::uint8) == npy_dtype::uint8);
  CHECK(npy_storage_dtype(quant_dtype::int16) == npy_dtype::int16);
  CHECK(npy_storage_dtype(quant_dtype::uint16) == npy_dtype::uint16);
  CHECK(npy_storage_dtype(quant_dtype::int32) == npy_dtype::int32);
  CHECK(npy_storage_dtype(quant_dtype::int4) == npy_dtype::int8);
  CHECK(npy_storage_dtype(quant_dtype::uint4) == npy_dtype::uint8);
  CHECK(npy_storage_dtype(quant_dtype::int2) == npy_dtype::int8);
  CHECK(npy_storage_dtype(quant_dtype::uint2) == npy_dtype::uint8);
}

//===--- NumPy's own files (harness/io/npy/, written by make_vectors.py) ---===//

bytes_t slurp(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  REQUIRE(file);
  const std::string text{std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
  return bytes_of(text);
}

TEST_CASE("npy: files written by NumPy's np.save read with their values", "[io][npy]") {
  SECTION("float32 (2, 3): written back byte for byte") {
    const fs::path path = vectors_dir / "float32_2x3.npy";
    const npy_array array = qlower::io::read_npy_file(path);
    CHECK(array.source() == path.string());
    CHECK(array.shape() == qlower::shape{2, 3});
    CHECK(array.values_as<float>() == std::vector<float>{0.0f, 1.5f, -2.0f, 3.25f, -0.0f, 1e-45f});
    CHECK(write_npy(array) == slurp(path));
  }
  SECTION("int8 scalar: shape (), written back byte for byte") {
    const fs::path path = vectors_dir / "int8_scalar.npy";
    const npy_array array = qlower::io::read_npy_file(path);
    CHECK(array.shape().rank() == 0);
    CHECK(array.values_as<std::int8_t>() == std::vector<std::int8_t>{-7});
    CHECK(write_npy(array) == slurp(path));
  }
  SECTION("uint16 (0, 5): no data, written back byte for byte") {
    const fs::path path = vectors_dir / "uint16_0x5.npy";
    const npy_array array = qlower::io::read_npy_file(path);
    CHECK(array.dtype() == npy_dtype::uint16);
    CHECK(array.shape() == qlower::shape{0, 5});
    CHECK(array.bytes().empty());
    CHECK(write_npy(array) == slurp(path));
  }
  SECTION("float64 (2, 3, 4) in Fortran order: transposed to C order") {
    const npy_array array = qlower::io::read_npy_file(vectors_dir / "float64_fortran_2x3x4.npy");
    CHECK(array.shape() == qlower::shape{2, 3, 4});
    std::vector<double> expected;
    for (int i = 0; i < 2; ++i) {
      for (int j = 0; j < 3; ++j) {
        for (int k = 0; k < 4; ++k)
          expected.push_back(100 * i + 10 * j + k);
      }
    }
    CHECK(array.values_as<double>() == expected);
  }
  SECTION("big-endian int32 (4,): swapped to host order") {
    const npy_array array = qlower::io::read_npy_file(vectors_dir / "int32_big_endian_4.npy");
    CHECK(array.values_as<std::int32_t>() == std::vector<std::int32_t>{-2, -1, 0, 0x01020304});
  }
}

TEST_CASE("npy: read_npy_file and write_npy_file name the path they cannot use", "[io][npy]") {
  // unique, so that two builds running their tests at once do not share it
  const fs::path directory =
      fs::temp_directory_path() / ("qlower_npy_test_" + std::to_string(std::random_device{}()));
  fs::create_directories(directory);
  const fs::path path = directory / "w.npy";
  const npy_array array =
      npy_array::from_values(qlower::shape{2, 2}, std::vector<std::int32_t>{1, -2, 3, -4});
  qlower::io::write_npy_file(path, array);
  const npy_array back = qlower::io::read_npy_file(path);
  CHECK(back == array);
  CHECK(back.source() == path.string());

  {
    std::ofstream truncated(path, std::ios::binary | std::ios::trunc);
    truncated << "\x93NUMPY";
  }
  REQUIRE_THROWS_MATCHES(
      qlower::io::read_npy_file(path), npy_error,
      qlower::harness::message_contains(path.string() + ": field 'version': the file ends after "
                                                        "6 bytes"));
  fs::remove_all(directory);

  REQUIRE_THROWS_MATCHES(qlower::io::read_npy_file(directory / "missing.npy"), qlower::error,
                         qlower::harness::message_contains((directory / "missing.npy").string() +
                                                           ": cannot open the file"));
  REQUIRE_THROWS_MATCHES(qlower::io::write_npy_file(directory / "no" / "w.npy", array),
                         qlower::error,
                         qlower::harness::message_contains((directory / "no" / "w.npy").string() +
                                                           ": cannot open the file for writing"));
}

//===--- Properties ---===//

/// A random array: any dtype, rank 0 to 4, dimensions 0 to 4, random bytes.
npy_array random_array() {
  const auto type = *rc::gen::elementOf(
      std::vector<npy_dtype>(qlower::io::all_npy_dtypes.begin(), qlower::io::all_npy_dtypes.end()));
  const auto rank = *rc::gen::inRange<std::size_t>(0, 5);
  const auto dims =
      *rc::gen::container<std::vector<std::int64_t>>(rank, rc::gen::inRange<std::int64_t>(0, 5));
  const qlower::shape shape(dims);
  const auto raw = *rc::gen::container<std::vector<std::uint8_t>>(
      static_cast<std::size_t>(shape.element_count()) * size_bytes(type),
      rc::gen::arbitrary<std::uint8_t>());
  bytes_t data(raw.size());
  std::transform(raw.begin(), raw.end(), data.begin(),
                 [](std::uint8_t b) { return static_cast<std::byte>(b); });
  return npy_array(type, shape, std::move(data));
}

TEST_CASE("npy: write then read gives the same array; the data starts at a multiple of 64",
          "[io][npy][property]") {
  rc::prop("read_npy(write_npy(a)) == a", [] {
    const npy_array array = random_array();
    const bytes_t file = write_npy(array);
    RC_ASSERT(read_npy(file) == array);
    const std::size_t header_length =
        static_cast<std::size_t>(file[8]) | static_cast<std::size_t>(file[9]) << 8;
    RC_ASSERT(file[6] == std::byte{1});
    RC_ASSERT((10 + header_length) % 64 == 0);
    RC_ASSERT(file[10 + header_length - 1] == std::byte{'\n'});
    RC_ASSERT(file.size() == 10 + header_length + array.bytes().size());
  });
}

TEST_CASE("npy: Fortran-order and big-endian forms of an array read as the array",
          "[io][npy][property]") {
  rc::prop("read_npy(fortran or big-endian bytes of a) == a", [] {
    const npy_array array = random_array();
    const bool fortran = *rc::gen::arbitrary<bool>();
    const bool big = *rc::gen::arbitrary<bool>();
    const std::size_t itemsize = size_bytes(array.dtype());
    const std::span<const std::int64_t> dims = array.shape().dims();
    const auto count = static_cast<std::size_t>(array.element_count());

    std::string data(array.bytes().size(), '\0');
    std::vector<std::size_t> index(dims.size(), 0);
    for (std::size_t c = 0; c < count; ++c) {
      // the Fortran position of C position c: the first index varies fastest
      std::size_t f = 0;
      std::size_t stride = 1;
      std::size_t rest = c;
      for (std::size_t k = dims.size(); k-- > 0;) {
        index[k] = rest % static_cast<std::size_t>(dims[k]);
        rest /= static_cast<std::size_t>(dims[k]);
      }
      for (std::size_t k = 0; k < dims.size(); ++k) {
        f += index[k] * stride;
        stride *= static_cast<std::size_t>(dims[k]);
      }
      const std::size_t to = (fortran ? f : c) * itemsize;
      std::memcpy(data.data() + to, array.bytes().data() + c * itemsize, itemsize);
      if (big != (std::endian::native == std::endian::big))
        std::reverse(data.begin() + static_cast<std::ptrdiff_t>(to),
                     data.begin() + static_cast<std::ptrdiff_t>(to + itemsize));
    }
    std::string descr(qlower::io::info(array.dtype()).descr);
    if (big)
      descr[0] = '>';
    const std::string file = npy_file(
        numpy_dict(descr, qlower::io::detail::python_tuple(dims), fortran ? "True" : "False"),
        data);
    RC_ASSERT(read_npy(bytes_of(file)) == array);
  });
}

TEST_CASE("npy: a valid file cut short anywhere is an npy_error, never a crash",
          "[io][npy][property]") {
  rc::prop("read_npy(prefix of a valid file) throws npy_error", [] {
    const bytes_t file = write_npy(random_array());
    const auto cut = *rc::gen::inRange<std::size_t>(0, file.size());
    // a copy of exactly the prefix, so a sanitizer sees any read past its end
    const bytes_t prefix(file.begin(), file.begin() + static_cast<std::ptrdiff_t>(cut));
    try {
      static_cast<void>(read_npy(prefix));
      RC_FAIL("read a file cut at byte " + std::to_string(cut) + " of " +
              std::to_string(file.size()));
    } catch (const npy_error&) {
    }
  });
  // and every cut of one file, exhaustively
  const bytes_t file =
      write_npy(npy_array::from_values(qlower::shape{2, 3}, std::vector<float>{1, 2, 3, 4, 5, 6}));
  for (std::size_t cut = 0; cut < file.size(); ++cut) {
    CAPTURE(cut);
    const bytes_t prefix(file.begin(), file.begin() + static_cast<std::ptrdiff_t>(cut));
    CHECK_THROWS_AS(read_npy(prefix), npy_error);
  }
}

TEST_CASE("npy: a valid file with bytes changed reads or is an npy_error, never a crash",
          "[io][npy][property]") {
  rc::prop("read_npy(mutated file) returns or throws npy_error", [] {
    bytes_t file = write_npy(random_array());
    // mutate mostly the preamble and header, where the parsing is
    const std::size_t header_end = std::min<std::size_t>(file.size(), 128);
    const auto edits = *rc::gen::inRange<std::size_t>(1, 4);
    for (std::size_t i = 0; i < edits; ++i) {
      const auto at = *rc::gen::inRange<std::size_t>(0, header_end);
      const auto to = *rc::gen::elementOf(std::vector<char>{
          '\0', ' ', '(', ')', ',', '\'', '"', '{', '}', ':', '-', '9', '0', 'L', '>', '|', '\xff',
          static_cast<char>(*rc::gen::arbitrary<std::uint8_t>())});
      file[at] = static_cast<std::byte>(to);
    }
    try {
      const npy_array array = read_npy(file);
      RC_ASSERT(array.bytes().size() ==
                static_cast<std::size_t>(array.element_count()) * size_bytes(array.dtype()));
    } catch (const npy_error&) {
    }
  });
}

}  // namespace
