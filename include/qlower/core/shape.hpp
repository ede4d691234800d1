// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "qlower/core/dtype.hpp"
#include "qlower/core/error.hpp"

namespace qlower {

/// `a * b`, or empty when the product does not fit in int64.
constexpr std::optional<std::int64_t> checked_mul(std::int64_t a, std::int64_t b) noexcept {
  std::int64_t product = 0;
  if (__builtin_mul_overflow(a, b, &product))
    return std::nullopt;
  return product;
}

/// The dimensions of a tensor: every dimension is >= 0 and the element count
/// fits in int64, so arithmetic on a shape never wraps.
///
/// Rationale: a shape read from a user's file is untrusted; a [2^40, 2^40]
/// weight must be an error naming the dimension, not a small wrapped count.
class shape {
 public:
  shape() = default;  ///< rank 0: a scalar with one element

  /// Throws shape_error naming the dimension when a dimension is negative or
  /// the element count overflows int64.
  explicit shape(std::vector<std::int64_t> dims) : dims_(std::move(dims)) {
    element_count_ = 1;
    for (std::size_t i = 0; i < dims_.size(); ++i) {
      if (dims_[i] < 0) {
        throw shape_error("negative dimension " + std::to_string(dims_[i]) + " at index " +
                          std::to_string(i) + " of " + to_string());
      }
      const std::optional<std::int64_t> product = checked_mul(element_count_, dims_[i]);
      if (!product) {
        throw shape_error("element count of " + to_string() + " overflows int64 at dimension " +
                          std::to_string(i));
      }
      element_count_ = *product;
    }
  }
  shape(std::initializer_list<std::int64_t> dims) : shape(std::vector<std::int64_t>(dims)) {}

  std::size_t rank() const noexcept { return dims_.size(); }
  std::int64_t operator[](std::size_t axis) const noexcept { return dims_[axis]; }
  std::span<const std::int64_t> dims() const noexcept { return dims_; }
  std::int64_t element_count() const noexcept { return element_count_; }

  /// The storage size for `type`; throws shape_error when it overflows int64.
  std::int64_t byte_size(dtype type) const {
    const std::optional<std::int64_t> bytes =
        checked_mul(element_count_, static_cast<std::int64_t>(size_bytes(type)));
    if (!bytes) {
      throw shape_error("byte size of " + to_string() + " in " +
                        std::string(qlower::to_string(type)) + " overflows int64");
    }
    return *bytes;
  }

  /// "[1, 64, 56, 56]"
  std::string to_string() const {
    std::string text = "[";
    for (std::size_t i = 0; i < dims_.size(); ++i) {
      if (i != 0)
        text += ", ";
      text += std::to_string(dims_[i]);
    }
    return text + "]";
  }

  friend bool operator==(const shape& a, const shape& b) noexcept { return a.dims_ == b.dims_; }

 private:
  std::vector<std::int64_t> dims_;
  std::int64_t element_count_ = 1;
};

}  // namespace qlower
