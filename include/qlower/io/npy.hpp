// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <charconv>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <ios>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "qlower/core/error.hpp"
#include "qlower/core/shape.hpp"
#include "qlower/quant/quant_dtype.hpp"

namespace qlower::io {

/// A .npy file or array that qlower cannot read or convert: bad magic, a
/// malformed or truncated header, an unsupported dtype, data of the wrong
/// size, a value that does not fit the requested type. The location names the
/// file and the header key ('descr', 'shape', ...) or element ('data[1, 2]').
class npy_error : public error {
 public:
  using error::error;
};

/// The element types qlower reads and writes in .npy files: the fixed-width
/// integers and IEEE floats of NumPy, each named as NumPy names it.
///
/// Rationale: these cover a float tensor, its float32 scales and its integer
/// zero points, and every quantized storage type (int4 lives unpacked in int8,
/// see npy_storage_dtype). bool, float16, complex, strings, datetimes,
/// structured and object arrays are rejected with the list of these.
enum class npy_dtype : std::uint8_t {
  int8,
  uint8,
  int16,
  uint16,
  int32,
  uint32,
  int64,
  uint64,
  float32,
  float64,
};

/// Everything the reader and writer know of an npy_dtype, one row per dtype.
struct npy_dtype_info {
  npy_dtype type;
  std::string_view name;   ///< NumPy's name, "float32"
  std::string_view descr;  ///< the 'descr' qlower writes: little-endian, "|" for one byte
  char kind;               ///< 'i', 'u' or 'f', as in descr
  std::size_t size_bytes;
};

namespace detail {
inline constexpr std::array<npy_dtype_info, 10> npy_dtype_table{{
    {npy_dtype::int8, "int8", "|i1", 'i', 1},
    {npy_dtype::uint8, "uint8", "|u1", 'u', 1},
    {npy_dtype::int16, "int16", "<i2", 'i', 2},
    {npy_dtype::uint16, "uint16", "<u2", 'u', 2},
    {npy_dtype::int32, "int32", "<i4", 'i', 4},
    {npy_dtype::uint32, "uint32", "<u4", 'u', 4},
    {npy_dtype::int64, "int64", "<i8", 'i', 8},
    {npy_dtype::uint64, "uint64", "<u8", 'u', 8},
    {npy_dtype::float32, "float32", "<f4", 'f', 4},
    {npy_dtype::float64, "float64", "<f8", 'f', 8},
}};
}  // namespace detail

/// Every npy_dtype, in declaration order.
inline constexpr std::array<npy_dtype, detail::npy_dtype_table.size()> all_npy_dtypes = [] {
  std::array<npy_dtype, detail::npy_dtype_table.size()> result{};
  for (std::size_t i = 0; i < result.size(); ++i)
    result[i] = detail::npy_dtype_table[i].type;
  return result;
}();

constexpr const npy_dtype_info& info(npy_dtype type) noexcept {
  return detail::npy_dtype_table[static_cast<std::size_t>(type)];
}
constexpr std::string_view to_string(npy_dtype type) noexcept {
  return info(type).name;
}
constexpr std::size_t size_bytes(npy_dtype type) noexcept {
  return info(type).size_bytes;
}
constexpr bool is_floating_point(npy_dtype type) noexcept {
  return info(type).kind == 'f';
}

/// The C++ types of the npy_dtypes, one each.
template <class T>
concept npy_element = std::same_as<T, std::int8_t> || std::same_as<T, std::uint8_t> ||
    std::same_as<T, std::int16_t> || std::same_as<T, std::uint16_t> ||
    std::same_as<T, std::int32_t> || std::same_as<T, std::uint32_t> ||
    std::same_as<T, std::int64_t> || std::same_as<T, std::uint64_t> || std::same_as<T, float> ||
    std::same_as<T, double>;

/// The npy_dtype whose elements are `T`.
template <npy_element T>
inline constexpr npy_dtype npy_dtype_of_v = [] {
  for (const npy_dtype_info& row : detail::npy_dtype_table) {
    const bool floating = row.kind == 'f';
    if (floating == std::is_floating_point_v<T> && row.size_bytes == sizeof(T) &&
        (floating || (row.kind == 'i') == std::is_signed_v<T>))
      return row.type;
  }
  return npy_dtype::int8;  // unreachable: every npy_element has a row (asserted below)
}();

/// The npy_dtype a quantized tensor of `type` is stored as: its storage type,
/// so int4/int2 are int8 and uint4/uint2 are uint8, one value per byte.
constexpr npy_dtype npy_storage_dtype(quant::quant_dtype type) noexcept {
  const quant::quant_dtype_info& row = quant::info(type);
  switch (row.storage_bytes) {
    case 1:
      return row.is_signed ? npy_dtype::int8 : npy_dtype::uint8;
    case 2:
      return row.is_signed ? npy_dtype::int16 : npy_dtype::uint16;
    default:
      return row.is_signed ? npy_dtype::int32 : npy_dtype::uint32;
  }
}

/// The most dimensions an array has: NumPy 2's NPY_MAXDIMS (NumPy 1 reads 32).
///
/// Rationale: it bounds the work per element of a Fortran-order transpose and
/// the header length, so a hostile header cannot make reading quadratic.
inline constexpr std::size_t npy_max_rank = 64;

namespace detail {

/// `text` quoted for an error message, non-printable bytes as \xNN, cut to a
/// length that keeps the message one line.
inline std::string quote_for_message(std::string_view text, char quote = '\'') {
  constexpr std::size_t limit = 40;
  std::string result(1, quote);
  for (std::size_t i = 0; i < text.size() && i < limit; ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x20 || byte >= 0x7f || byte == '\\') {
      constexpr std::string_view hex = "0123456789abcdef";
      result += "\\x";
      result += hex[byte >> 4];
      result += hex[byte & 0xf];
    } else {
      result += static_cast<char>(byte);
    }
  }
  if (text.size() > limit)
    result += "...";
  return result + quote;
}

/// "(2, 3)", "(5,)", "()": a shape as the header spells it.
inline std::string python_tuple(std::span<const std::int64_t> dims) {
  std::string text = "(";
  for (std::size_t i = 0; i < dims.size(); ++i) {
    if (i != 0)
      text += ", ";
    text += std::to_string(dims[i]);
  }
  return text + (dims.size() == 1 ? ",)" : ")");
}

/// "data[1, 2]" for the element at row-major position `flat`; "data[()]" for a scalar.
inline std::string element_field(std::span<const std::int64_t> dims, std::int64_t flat) {
  if (dims.empty())
    return "data[()]";
  std::vector<std::int64_t> index(dims.size());
  for (std::size_t k = dims.size(); k-- > 0;) {
    index[k] = flat % dims[k];
    flat /= dims[k];
  }
  std::string text = "data[";
  for (std::size_t k = 0; k < index.size(); ++k) {
    if (k != 0)
      text += ", ";
    text += std::to_string(index[k]);
  }
  return text + "]";
}

/// "'<f4', '<f8', '|i1', ...": the descrs qlower reads, for error messages.
inline std::string supported_descrs() {
  std::string text;
  for (const npy_dtype_info& row : npy_dtype_table) {
    if (!text.empty())
      text += ", ";
    text += "'" + std::string(row.descr) + "'";
  }
  return text;
}

/// Calls `visitor(T{})` with a value of the C++ type of `type`.
template <class Visitor>
decltype(auto) visit_npy_dtype(npy_dtype type, Visitor&& visitor) {
  switch (type) {
    case npy_dtype::int8:
      return visitor(std::int8_t{});
    case npy_dtype::uint8:
      return visitor(std::uint8_t{});
    case npy_dtype::int16:
      return visitor(std::int16_t{});
    case npy_dtype::uint16:
      return visitor(std::uint16_t{});
    case npy_dtype::int32:
      return visitor(std::int32_t{});
    case npy_dtype::uint32:
      return visitor(std::uint32_t{});
    case npy_dtype::int64:
      return visitor(std::int64_t{});
    case npy_dtype::uint64:
      return visitor(std::uint64_t{});
    case npy_dtype::float32:
      return visitor(float{});
    case npy_dtype::float64:
      break;
  }
  return visitor(double{});
}

/// The integer types std::in_range takes: not bool, not the character types.
template <class T>
concept standard_integer = std::integral<T> && !std::same_as<T, bool> && !std::same_as<T, char> &&
                           !std::same_as<T, wchar_t> && !std::same_as<T, char8_t> &&
                           !std::same_as<T, char16_t> && !std::same_as<T, char32_t>;

/// "1 byte", "24 bytes"
inline std::string count_of_bytes(std::uint64_t count) {
  return std::to_string(count) + (count == 1 ? " byte" : " bytes");
}

/// The types floats_as converts to.
template <class T>
concept npy_floating = std::same_as<T, float> || std::same_as<T, double>;

/// The shortest text that reads back as `value`: "1e+300", not 300 digits.
inline std::string format_double(double value) {
  std::array<char, 32> text{};
  const auto result = std::to_chars(text.data(), text.data() + text.size(), value);
  return std::string(text.data(), result.ptr);
}

[[noreturn]] inline void throw_npy(const std::string& source, std::string message,
                                   std::string field) {
  throw npy_error(std::move(message), error_location{source, "", std::move(field)});
}

/// The element at `index` of host-order `bytes`, which hold elements of type T.
template <npy_element T>
T load_element(std::span<const std::byte> bytes, std::size_t index) noexcept {
  T value;
  std::memcpy(&value, bytes.data() + index * sizeof(T), sizeof(T));
  return value;
}

}  // namespace detail

/// A NumPy array held as qlower reads and writes it: a dtype, a shape and the
/// elements in row-major (C) order and host byte order.
///
/// Invariants: the rank is at most npy_max_rank and the data holds exactly
/// element_count() * size_bytes(dtype()) bytes; every constructor checks them.
/// Equality compares dtype, shape and data bit for bit (so NaNs compare equal
/// to themselves), not the source.
///
/// The source (the file name, "<memory>" for arrays built in memory) only
/// prefixes the errors of the conversions, so "scale.npy: field 'descr': ..."
/// reaches the user without the caller catching and rethrowing.
class npy_array {
 public:
  /// A float32 scalar holding 0, as np.float32().
  npy_array() : data_(sizeof(float)) {}

  /// Throws npy_error when the rank exceeds npy_max_rank or `data` is not
  /// exactly the size of `dims` elements of `type`.
  npy_array(npy_dtype type, qlower::shape dims, std::vector<std::byte> data,
            std::string source = "<memory>")
      : type_(type), shape_(std::move(dims)), data_(std::move(data)), source_(std::move(source)) {
    if (shape_.rank() > npy_max_rank) {
      throw npy_error("rank " + std::to_string(shape_.rank()) + " exceeds " +
                          std::to_string(npy_max_rank) + ", the most NumPy reads",
                      error_location{source_, "", "shape"});
    }
    const std::optional<std::int64_t> bytes =
        checked_mul(shape_.element_count(), static_cast<std::int64_t>(size_bytes(type_)));
    if (!bytes) {
      throw npy_error("byte size of shape " + detail::python_tuple(shape_.dims()) + " in " +
                          std::string(to_string(type_)) + " overflows int64",
                      error_location{source_, "", "shape"});
    }
    if (static_cast<std::uint64_t>(*bytes) != data_.size()) {
      throw npy_error(std::to_string(data_.size()) + " bytes of data given, but shape " +
                          detail::python_tuple(shape_.dims()) + " of " +
                          std::string(to_string(type_)) + " needs " + std::to_string(*bytes),
                      error_location{source_, "", "data"});
    }
  }

  /// The array of `values` (row-major) in the dtype of `T`; throws npy_error
  /// when their count is not the element count of `dims`.
  template <npy_element T>
  static npy_array from_values(qlower::shape dims, std::span<const T> values,
                               std::string source = "<memory>") {
    if (values.size() != static_cast<std::uint64_t>(dims.element_count())) {
      throw npy_error(std::to_string(values.size()) + " values given, but shape " +
                          detail::python_tuple(dims.dims()) + " holds " +
                          std::to_string(dims.element_count()),
                      error_location{source, "", "data"});
    }
    std::vector<std::byte> data(values.size_bytes());
    if (!values.empty())
      std::memcpy(data.data(), values.data(), values.size_bytes());
    return npy_array(npy_dtype_of_v<T>, std::move(dims), std::move(data), std::move(source));
  }
  template <npy_element T>
  static npy_array from_values(qlower::shape dims, const std::vector<T>& values,
                               std::string source = "<memory>") {
    return from_values(std::move(dims), std::span<const T>(values), std::move(source));
  }

  npy_dtype dtype() const noexcept { return type_; }
  const qlower::shape& shape() const noexcept { return shape_; }
  std::int64_t element_count() const noexcept { return shape_.element_count(); }
  /// The elements, row-major, in host byte order.
  std::span<const std::byte> bytes() const noexcept { return data_; }
  const std::string& source() const noexcept { return source_; }

  /// The elements as `T`, which must be the array's own element type; throws
  /// npy_error naming both dtypes otherwise (no silent conversion).
  template <npy_element T>
  std::vector<T> values_as() const {
    if (type_ != npy_dtype_of_v<T>)
      fail_dtype("expected " + std::string(to_string(npy_dtype_of_v<T>)));
    std::vector<T> values(static_cast<std::size_t>(element_count()));
    if (!data_.empty())
      std::memcpy(values.data(), data_.data(), data_.size());
    return values;
  }

  /// The elements of an integer array of any integer dtype as `T`, each value
  /// kept exactly: throws npy_error naming the first element (by index) whose
  /// value `T` cannot hold, and for a floating-point array.
  ///
  /// Example: zero points saved as int8, int64 or uint8 all read with
  /// integers_as<std::int32_t>().
  template <detail::standard_integer T>
  std::vector<T> integers_as() const {
    if (is_floating_point(type_))
      fail_dtype("expected an integer dtype");
    std::vector<T> values(static_cast<std::size_t>(element_count()));
    detail::visit_npy_dtype(type_, [&]<class Stored>(Stored) {
      if constexpr (std::is_integral_v<Stored>) {
        for (std::size_t i = 0; i < values.size(); ++i) {
          const Stored value = detail::load_element<Stored>(data_, i);
          if (!std::in_range<T>(value)) {
            throw npy_error("value " + std::to_string(value) + " does not fit in " +
                                integer_name<T>() + " [" +
                                std::to_string(std::numeric_limits<T>::min()) + ", " +
                                std::to_string(std::numeric_limits<T>::max()) + "]",
                            error_location{source_, "", element_field(i)});
          }
          values[i] = static_cast<T>(value);
        }
      }
    });
    return values;
  }

  /// The elements of a float32 or float64 array as `T` (float or double).
  ///
  /// float64 to float rounds to nearest-even, as NumPy's astype(np.float32);
  /// NaN and infinities are kept, but a finite value beyond float's range is
  /// an npy_error naming the element (NumPy would silently make it infinite,
  /// and an infinite scale is never what a user saved). Integer arrays are an
  /// npy_error: converting them is the caller's decision, not the reader's.
  template <detail::npy_floating T>
  std::vector<T> floats_as() const {
    if (!is_floating_point(type_))
      fail_dtype("expected float32 or float64");
    if (type_ == npy_dtype_of_v<T>)
      return values_as<T>();
    std::vector<T> values(static_cast<std::size_t>(element_count()));
    if constexpr (std::same_as<T, double>) {
      for (std::size_t i = 0; i < values.size(); ++i)
        values[i] = detail::load_element<float>(data_, i);
    } else {
      // Doubles at or above this magnitude round to infinity as float: it is
      // the midpoint between FLT_MAX and 2^128, and ties round to even (up).
      constexpr double float_overflow = 0x1.ffffffp+127;
      for (std::size_t i = 0; i < values.size(); ++i) {
        const double value = detail::load_element<double>(data_, i);
        if (std::isfinite(value) && std::fabs(value) >= float_overflow) {
          throw npy_error("float64 value " + detail::format_double(value) +
                              " is beyond float32's range (largest finite " +
                              detail::format_double(std::numeric_limits<float>::max()) + ")",
                          error_location{source_, "", element_field(i)});
        }
        values[i] = static_cast<float>(value);
      }
    }
    return values;
  }

  friend bool operator==(const npy_array& a, const npy_array& b) noexcept {
    return a.type_ == b.type_ && a.shape_ == b.shape_ && a.data_ == b.data_;
  }

 private:
  [[noreturn]] void fail_dtype(const std::string& expectation) const {
    throw npy_error(expectation + ", got " + std::string(to_string(type_)) + " ('" +
                        std::string(info(type_).descr) + "')",
                    error_location{source_, "", "descr"});
  }

  std::string element_field(std::size_t flat) const {
    return detail::element_field(shape_.dims(), static_cast<std::int64_t>(flat));
  }

  template <class T>
  static std::string integer_name() {
    return (std::is_signed_v<T> ? "int" : "uint") + std::to_string(8 * sizeof(T));
  }

  npy_dtype type_ = npy_dtype::float32;
  qlower::shape shape_;
  std::vector<std::byte> data_;
  std::string source_ = "<memory>";
};

namespace detail {

inline constexpr std::string_view npy_magic = "\x93NUMPY";
/// The data of a file qlower writes starts at a multiple of this, as NumPy's ARRAY_ALIGN.
inline constexpr std::size_t npy_alignment = 64;
/// NumPy pads the header for this many digits of the first dimension, so that
/// the array can grow in place (GROWTH_AXIS_MAX_DIGITS); qlower does the same
/// so its files are byte for byte NumPy's.
inline constexpr std::size_t npy_growth_digits = 21;

/// The fields of a header dict, each empty until its key is read.
struct npy_header {
  std::optional<std::string> descr;
  std::optional<bool> fortran_order;
  std::optional<std::vector<std::int64_t>> shape;
};

/// Parses the Python dict literal of a .npy header: NumPy's own output and
/// that of other writers (either quote, any key order, any whitespace, an
/// optional trailing comma, Python 2's "3L"), nothing more. Never recurses,
/// never reads outside `text`, and stops at the first error.
class npy_header_parser {
 public:
  npy_header_parser(std::string_view text, const std::string& source)
      : text_(text), source_(source) {}

  npy_header parse() {
    npy_header header;
    skip_space();
    expect('{', "the opening '{' of the header dict");
    while (true) {
      skip_space();
      if (peek() == '}')
        break;
      if (peek() != '\'' && peek() != '"')
        fail_syntax("a quoted key or '}'");
      const std::string key = parse_string();
      skip_space();
      expect(':', "':' after the key " + quote_for_message(key));
      skip_space();
      if (key == "descr") {
        once(header.descr.has_value(), key);
        header.descr = parse_descr();
      } else if (key == "fortran_order") {
        once(header.fortran_order.has_value(), key);
        header.fortran_order = parse_bool();
      } else if (key == "shape") {
        once(header.shape.has_value(), key);
        header.shape = parse_shape();
      } else {
        fail("unknown key " + quote_for_message(key) +
                 "; a .npy header has exactly 'descr', 'fortran_order' and 'shape'",
             "header");
      }
      skip_space();
      if (peek() == ',') {
        ++position_;
        continue;
      }
      if (peek() != '}')
        fail_syntax("',' or '}' after the value of " + quote_for_message(key));
    }
    ++position_;  // the '}'
    skip_space();
    if (position_ != text_.size())
      fail_syntax("the end of the header after the closing '}'");
    for (const auto& [present, key] : {std::pair{header.descr.has_value(), "descr"},
                                       std::pair{header.fortran_order.has_value(), "fortran_order"},
                                       std::pair{header.shape.has_value(), "shape"}}) {
      if (!present)
        fail("the required key '" + std::string(key) + "' is missing", "header");
    }
    return header;
  }

 private:
  [[noreturn]] void fail(std::string message, std::string field) const {
    throw npy_error(std::move(message), error_location{source_, "", std::move(field)});
  }

  /// "malformed header dict at byte 17: expected X, found 'y'"
  [[noreturn]] void fail_syntax(const std::string& expected) const {
    const std::string found = position_ < text_.size()
                                  ? quote_for_message(text_.substr(position_, 1))
                                  : std::string("the end of the header");
    fail("malformed header dict at byte " + std::to_string(position_) + ": expected " + expected +
             ", found " + found,
         "header");
  }

  void once(bool seen, const std::string& key) const {
    if (seen)
      fail("the key " + quote_for_message(key) + " appears twice", "header");
  }

  char peek() const noexcept { return position_ < text_.size() ? text_[position_] : '\0'; }
  bool at_end() const noexcept { return position_ >= text_.size(); }

  void expect(char wanted, const std::string& what) {
    if (at_end() || text_[position_] != wanted)
      fail_syntax(what);
    ++position_;
  }

  void skip_space() noexcept {
    while (!at_end() && (text_[position_] == ' ' || text_[position_] == '\t' ||
                         text_[position_] == '\n' || text_[position_] == '\r'))
      ++position_;
  }

  /// A Python string literal in single or double quotes, without escapes:
  /// no key or dtype NumPy writes needs one.
  std::string parse_string() {
    const char quote = text_[position_++];
    const std::size_t start = position_;
    while (!at_end() && text_[position_] != quote) {
      if (text_[position_] == '\\')
        fail_syntax("a string without escape sequences");
      if (text_[position_] == '\n')
        fail_syntax("the closing quote of the string");
      ++position_;
    }
    if (at_end())
      fail_syntax("the closing quote of the string");
    const std::size_t end = position_++;
    return std::string(text_.substr(start, end - start));
  }

  std::string parse_descr() {
    if (peek() == '[') {
      fail("a structured dtype (a list of fields) is not supported; expected one of " +
               supported_descrs(),
           "descr");
    }
    if (peek() != '\'' && peek() != '"')
      fail_syntax("a quoted dtype string as the value of 'descr'");
    return parse_string();
  }

  bool parse_bool() {
    for (const auto& [word, value] :
         {std::pair{std::string_view("True"), true}, std::pair{std::string_view("False"), false}}) {
      if (text_.substr(position_, word.size()) == word) {
        position_ += word.size();
        return value;
      }
    }
    fail_syntax("True or False as the value of 'fortran_order'");
  }

  /// A tuple of non-negative integers: "()", "(5,)", "(2, 3)", "(2, 3,)".
  std::vector<std::int64_t> parse_shape() {
    if (peek() == '[')
      fail("the shape is a list, not a tuple; expected a tuple like (2, 3)", "shape");
    expect('(', "a tuple as the value of 'shape'");
    std::vector<std::int64_t> dims;
    skip_space();
    if (peek() == ')') {
      ++position_;
      return dims;
    }
    while (true) {
      if (dims.size() == npy_max_rank) {
        fail("rank above " + std::to_string(npy_max_rank) + ", the most NumPy reads", "shape");
      }
      dims.push_back(parse_dimension(dims.size()));
      skip_space();
      if (peek() == ',') {
        ++position_;
        skip_space();
        if (peek() == ')')
          break;
        continue;
      }
      if (peek() == ')') {
        if (dims.size() == 1) {
          fail("(" + std::to_string(dims[0]) +
                   ") is a number, not a tuple; a one-dimension shape is written (" +
                   std::to_string(dims[0]) + ",)",
               "shape");
        }
        break;
      }
      fail_syntax("',' or ')' after dimension " + std::to_string(dims.size() - 1) +
                  " of the shape");
    }
    ++position_;  // the ')'
    return dims;
  }

  /// A Python int literal (a trailing L allowed); negative and overflowing
  /// values are errors naming the dimension and the digits as written.
  std::int64_t parse_dimension(std::size_t index) {
    const bool negative = peek() == '-';
    if (negative)
      ++position_;
    const std::size_t digits_start = position_;
    while (!at_end() && text_[position_] >= '0' && text_[position_] <= '9')
      ++position_;
    if (position_ == digits_start)
      fail_syntax("an integer as dimension " + std::to_string(index) + " of the shape");
    const std::string_view digits = text_.substr(digits_start, position_ - digits_start);
    if (peek() == 'L' || peek() == 'l')  // a Python 2 long, as NumPy on Python 2 wrote them
      ++position_;
    constexpr std::size_t shown_digits = 30;
    const std::string written = (negative ? "-" : "") +
                                std::string(digits.substr(0, shown_digits)) +
                                (digits.size() > shown_digits ? "..." : "");
    // "-0" is Python's 0
    if (negative && digits.find_first_not_of('0') != std::string_view::npos)
      fail("dimension " + std::to_string(index) + " is negative: " + written, "shape");
    std::int64_t value = 0;
    for (char digit : digits) {
      if (__builtin_mul_overflow(value, std::int64_t{10}, &value) ||
          __builtin_add_overflow(value, std::int64_t{digit - '0'}, &value)) {
        fail("dimension " + std::to_string(index) + " is " + written + ", which overflows int64",
             "shape");
      }
    }
    return value;
  }

  std::string_view text_;
  const std::string& source_;
  std::size_t position_ = 0;
};

/// The dtype a 'descr' names and whether its data is in host byte order;
/// throws npy_error naming the descr when qlower does not read it.
///
/// '|' (no byte order) is accepted for one-byte dtypes only: for wider ones
/// it leaves the byte order unknown, and guessing would corrupt data silently.
inline std::pair<npy_dtype, bool> parse_descr_value(const std::string& descr,
                                                    const std::string& source) {
  const std::string_view orders = "<>=|";
  if (descr.size() >= 2 && descr[1] == 'O' && orders.find(descr[0]) != std::string_view::npos) {
    throw_npy(source,
              "dtype " + quote_for_message(descr) +
                  " is an object array (pickled Python objects), not numbers; expected one of " +
                  supported_descrs(),
              "descr");
  }
  if (descr.size() == 3 && orders.find(descr[0]) != std::string_view::npos) {
    for (const npy_dtype_info& row : npy_dtype_table) {
      if (descr[1] != row.kind || descr[2] != static_cast<char>('0' + row.size_bytes))
        continue;
      const char order = descr[0];
      if (order == '|' && row.size_bytes > 1) {
        throw_npy(source,
                  "dtype " + quote_for_message(descr) + " has no byte order, but " +
                      std::string(row.name) + " has " + std::to_string(row.size_bytes) +
                      " bytes; expected '<' (little-endian), '>' (big-endian) or '=' (native)",
                  "descr");
      }
      const bool stored_little = order == '<';
      const bool host_order = order == '|' || order == '=' ||
                              stored_little == (std::endian::native == std::endian::little);
      return {row.type, host_order};
    }
  }
  throw_npy(source,
            "dtype " + quote_for_message(descr) + " is not supported; expected one of " +
                supported_descrs() + " (or the same with '>', big-endian)",
            "descr");
}

inline std::uint32_t read_little_endian(const std::byte* bytes, std::size_t count) noexcept {
  std::uint32_t value = 0;
  for (std::size_t i = count; i-- > 0;)
    value = (value << 8) | static_cast<std::uint32_t>(bytes[i]);
  return value;
}

}  // namespace detail

/// Reads a .npy file (format version 1.0, 2.0 or 3.0) held in `bytes`.
///
/// Accepts the dtypes of npy_dtype in either byte order ('>' data is swapped
/// to host order) and C or Fortran order (Fortran data is transposed to C
/// order), so the result is always row-major and host-order. Throws npy_error
/// naming `source`, the header key and the offending value for anything else:
/// bad magic, an unknown version, a truncated file, a malformed header dict,
/// unknown, missing or repeated keys, an unsupported or object dtype, a
/// negative or overflowing dimension, a rank above npy_max_rank, and data
/// shorter or longer than the shape needs.
///
/// Rationale: the file is untrusted. Every size in it is checked against the
/// bytes actually present before anything is allocated, so a 10-byte file
/// claiming shape (10**18,) is an error, not an allocation.
inline npy_array read_npy(std::span<const std::byte> bytes, std::string_view source = "<memory>") {
  const std::string where(source);
  const std::size_t size = bytes.size();
  const auto byte_at = [&](std::size_t i) { return static_cast<unsigned char>(bytes[i]); };

  //===--- Preamble: magic, version, header length ---===//
  const std::size_t magic_seen = std::min(size, detail::npy_magic.size());
  for (std::size_t i = 0; i < magic_seen; ++i) {
    if (byte_at(i) != static_cast<unsigned char>(detail::npy_magic[i])) {
      std::string found(magic_seen, '\0');
      std::memcpy(found.data(), bytes.data(), magic_seen);
      // np.savez writes a zip archive of .npy files, which users confuse with .npy
      const bool zip = found.starts_with("PK");
      detail::throw_npy(
          where,
          "not a .npy file: it starts with " + detail::quote_for_message(found, '"') +
              ", not the magic string \"\\x93NUMPY\"" +
              (zip ? " (it looks like a .npz zip archive; extract its .npy files)" : ""),
          "magic");
    }
  }
  if (size < detail::npy_magic.size()) {
    detail::throw_npy(
        where, "the file ends after " + std::to_string(size) + " bytes, inside the magic string",
        "magic");
  }
  if (size < 8)
    detail::throw_npy(where,
                      "the file ends after " + std::to_string(size) + " bytes, before the version",
                      "version");
  const unsigned major = byte_at(6);
  const unsigned minor = byte_at(7);
  if (major < 1 || major > 3 || minor != 0) {
    detail::throw_npy(where,
                      "format version " + std::to_string(major) + "." + std::to_string(minor) +
                          " is not supported; expected 1.0, 2.0 or 3.0",
                      "version");
  }
  const std::size_t length_bytes = major == 1 ? 2 : 4;
  const std::size_t header_start = 8 + length_bytes;
  if (size < header_start) {
    detail::throw_npy(where,
                      "the file ends after " + std::to_string(size) + " bytes, inside the " +
                          std::to_string(length_bytes) + "-byte header length",
                      "header");
  }
  const std::uint32_t header_length = detail::read_little_endian(bytes.data() + 8, length_bytes);
  if (header_length > size - header_start) {
    detail::throw_npy(where,
                      "the header length " + std::to_string(header_length) +
                          " runs past the end of the file: " + std::to_string(size - header_start) +
                          " bytes follow the header length",
                      "header");
  }

  //===--- Header dict ---===//
  // Versions 1.0 and 2.0 are latin-1 and 3.0 is UTF-8; every key and value
  // qlower accepts is ASCII, so bytes outside ASCII only ever reach an error.
  const std::string_view text(reinterpret_cast<const char*>(bytes.data() + header_start),
                              header_length);
  const detail::npy_header header = detail::npy_header_parser(text, where).parse();
  const auto [type, host_order] = detail::parse_descr_value(*header.descr, where);
  const std::vector<std::int64_t>& dims = *header.shape;

  //===--- Data: sized from the shape, checked against the bytes present ---===//
  std::int64_t count = 1;
  for (std::int64_t dim : dims) {
    const std::optional<std::int64_t> product = checked_mul(count, dim);
    if (!product)
      detail::throw_npy(where,
                        "element count of shape " + detail::python_tuple(dims) + " overflows int64",
                        "shape");
    count = *product;
  }
  const std::size_t itemsize = size_bytes(type);
  const std::optional<std::int64_t> needed =
      checked_mul(count, static_cast<std::int64_t>(itemsize));
  if (!needed) {
    detail::throw_npy(where,
                      "byte size of shape " + detail::python_tuple(dims) + " in " +
                          std::string(to_string(type)) + " overflows int64",
                      "shape");
  }
  const std::size_t data_start = header_start + header_length;
  const std::size_t present = size - data_start;
  const auto needed_bytes = static_cast<std::uint64_t>(*needed);
  if (present != needed_bytes) {
    const std::string what =
        "shape " + detail::python_tuple(dims) + " of " + std::string(to_string(type)) + " needs " +
        (present > needed_bytes ? "only " : "") + detail::count_of_bytes(needed_bytes) +
        " of data, but " + std::to_string(present) + " follow the header";
    detail::throw_npy(
        where,
        what + (present < needed_bytes ? ": the file is truncated"
                                       : ": " + detail::count_of_bytes(present - needed_bytes) +
                                             " too many at the end"),
        "data");
  }

  std::vector<std::byte> data(present);
  const std::byte* source_data = bytes.data() + data_start;
  if (!*header.fortran_order || dims.size() < 2 || count == 0) {
    if (present != 0)
      std::memcpy(data.data(), source_data, present);
  } else {
    // Walk the C-order positions, tracking the Fortran-order offset of each.
    std::vector<std::int64_t> fortran_stride(dims.size(), 1);
    for (std::size_t k = 1; k < dims.size(); ++k)
      fortran_stride[k] = fortran_stride[k - 1] * dims[k - 1];
    std::vector<std::int64_t> index(dims.size(), 0);
    std::int64_t from = 0;
    for (std::int64_t to = 0; to < count; ++to) {
      std::memcpy(data.data() + static_cast<std::size_t>(to) * itemsize,
                  source_data + static_cast<std::size_t>(from) * itemsize, itemsize);
      for (std::size_t k = dims.size(); k-- > 0;) {
        from += fortran_stride[k];
        if (++index[k] < dims[k])
          break;
        from -= fortran_stride[k] * dims[k];
        index[k] = 0;
      }
    }
  }
  if (!host_order && itemsize > 1) {
    for (std::size_t offset = 0; offset < data.size(); offset += itemsize)
      std::reverse(data.begin() + static_cast<std::ptrdiff_t>(offset),
                   data.begin() + static_cast<std::ptrdiff_t>(offset + itemsize));
  }
  return npy_array(type, qlower::shape(dims), std::move(data), where);
}

/// Reads the .npy file at `path`; see read_npy. A file that cannot be read is
/// a qlower::error naming the path.
inline npy_array read_npy_file(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file)
    throw error("cannot open the file", error_location{path.string(), "", ""});
  std::vector<std::byte> bytes;
  std::array<char, 1 << 16> chunk{};
  while (true) {
    file.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    const auto got = static_cast<std::size_t>(file.gcount());
    const std::size_t old_size = bytes.size();
    bytes.resize(old_size + got);
    if (got != 0)
      std::memcpy(bytes.data() + old_size, chunk.data(), got);
    if (!file)
      break;
  }
  if (file.bad())
    throw error("cannot read the file", error_location{path.string(), "", ""});
  return read_npy(bytes, path.string());
}

/// The .npy file of `array` as NumPy's np.save writes it, byte for byte:
/// version 1.0, the header "{'descr': '<f4', 'fortran_order': False, 'shape':
/// (2, 3), }" padded with spaces and a '\n' so the data starts at a multiple
/// of 64 bytes, then the data in C order, little-endian.
///
/// Rationale: version 2.0 is never needed: a header of npy_max_rank
/// dimensions fits version 1.0's 16-bit length (asserted below).
inline std::vector<std::byte> write_npy(const npy_array& array) {
  const npy_dtype_info& row = info(array.dtype());
  const std::span<const std::int64_t> dims = array.shape().dims();
  std::string header = "{'descr': '" + std::string(row.descr) +
                       "', 'fortran_order': False, 'shape': " + detail::python_tuple(dims) + ", }";
  if (!dims.empty())
    header.append(detail::npy_growth_digits - std::to_string(dims[0]).size(), ' ');
  constexpr std::size_t preamble = 10;  // magic, version 1.0, 16-bit length
  // NumPy pads by a full 64 bytes when the header already ends on a boundary.
  const std::size_t padding =
      detail::npy_alignment - (preamble + header.size() + 1) % detail::npy_alignment;
  header.append(padding, ' ');
  header += '\n';

  std::vector<std::byte> file(preamble + header.size() + array.bytes().size());
  std::memcpy(file.data(), detail::npy_magic.data(), detail::npy_magic.size());
  file[6] = std::byte{1};
  file[7] = std::byte{0};
  file[8] = static_cast<std::byte>(header.size() & 0xff);
  file[9] = static_cast<std::byte>(header.size() >> 8);
  std::memcpy(file.data() + preamble, header.data(), header.size());
  std::byte* data = file.data() + preamble + header.size();
  if (!array.bytes().empty())
    std::memcpy(data, array.bytes().data(), array.bytes().size());
  if constexpr (std::endian::native == std::endian::big) {
    for (std::size_t offset = 0; offset < array.bytes().size(); offset += row.size_bytes)
      std::reverse(data + offset, data + offset + row.size_bytes);
  }
  return file;
}

/// Writes `array` to `path` as write_npy does; a file that cannot be written
/// is a qlower::error naming the path.
inline void write_npy_file(const std::filesystem::path& path, const npy_array& array) {
  const std::vector<std::byte> bytes = write_npy(array);
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  if (!file)
    throw error("cannot open the file for writing", error_location{path.string(), "", ""});
  file.write(reinterpret_cast<const char*>(bytes.data()),
             static_cast<std::streamsize>(bytes.size()));
  file.close();
  if (!file)
    throw error("cannot write the file", error_location{path.string(), "", ""});
}

//===--- Table verification ---===//

static_assert(
    [] {
      for (std::size_t i = 0; i < detail::npy_dtype_table.size(); ++i) {
        const npy_dtype_info& row = detail::npy_dtype_table[i];
        if (static_cast<std::size_t>(row.type) != i || row.descr.size() != 3 ||
            row.descr[0] != (row.size_bytes == 1 ? '|' : '<') || row.descr[1] != row.kind ||
            row.descr[2] != static_cast<char>('0' + row.size_bytes))
          return false;
      }
      return true;
    }(),
    "npy_dtype_table rows must be in enum order, each descr its kind and size, little-endian");
static_assert(npy_dtype_of_v<std::int8_t> == npy_dtype::int8 &&
                  npy_dtype_of_v<std::uint16_t> == npy_dtype::uint16 &&
                  npy_dtype_of_v<std::int64_t> == npy_dtype::int64 &&
                  npy_dtype_of_v<std::uint64_t> == npy_dtype::uint64 &&
                  npy_dtype_of_v<float> == npy_dtype::float32 &&
                  npy_dtype_of_v<double> == npy_dtype::float64,
              "every npy_element maps to the row of its own width, kind and signedness");
static_assert(
    [] {
      for (quant::quant_dtype type : quant::all_quant_dtypes) {
        const npy_dtype_info& row = info(npy_storage_dtype(type));
        if (row.size_bytes != quant::info(type).storage_bytes ||
            (row.kind == 'i') != quant::info(type).is_signed)
          return false;
      }
      return true;
    }(),
    "a quantized dtype is stored as the npy dtype of its storage width and signedness");
static_assert(
    // the fixed text of the dict, then each dimension (at most 19 digits, as
    // int64's largest) with its ", ", the growth and the alignment padding
    56 + npy_max_rank * (19 + 2) + detail::npy_growth_digits + detail::npy_alignment <= 0xffff,
    "a header of npy_max_rank dimensions fits version 1.0's 16-bit length");

}  // namespace qlower::io
