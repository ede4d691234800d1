// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "qlower/core/error.hpp"
#include "qlower/repset/layout.hpp"

namespace qlower::repset {

/// The representations a tensor may take: the layouts allowed when it is a
/// buffer and those allowed when it is a 3-D texture (ExecuTorch's TensorRepSet).
/// A constexpr value of two bitmasks.
///
/// Laws (a bounded lattice; checked by repset/laws.hpp over every named set at
/// compile time and over random sets by RapidCheck):
/// - `&` and `|` are commutative, associative and idempotent;
/// - absorption: `a & (a | b) == a` and `a | (a & b) == a`;
/// - identities: `a & universal == a` for every `a <= universal`,
///   `a | none == a`, `a & none == none`;
/// - `a <= b` exactly when `(a & b) == a`.
///
/// Rationale: ExecuTorch's ANY_STORAGE is not the top of its sets, so an
/// identity op that "accepts anything" rejected PACKED_INT8 and forced a copy
/// on both sides of itself (seed 003). Here the top is named and checked.
class repset {
 public:
  constexpr repset() = default;
  constexpr repset(layout_set buffer_layouts, layout_set texture_layouts) noexcept
      : buffer_(buffer_layouts), texture_(texture_layouts) {}

  /// The singleton set of `repr` (make_tensor_repset); throws qlower::error
  /// naming the storage unless it is BUFFER or TEXTURE_3D.
  static constexpr repset of(tensor_repr repr) {
    if (!is_concrete(repr.layout)) {
      throw error("no repset holds layout " + std::string(qlower::repset::to_string(repr.layout)));
    }
    switch (repr.storage) {
      case storage_type::buffer:
        return repset({repr.layout}, {});
      case storage_type::texture_3d:
        return repset({}, {repr.layout});
      default:
        throw error("unsupported storage type " +
                    std::string(qlower::repset::to_string(repr.storage)));
    }
  }

  constexpr layout_set buffer_layouts() const noexcept { return buffer_; }
  constexpr layout_set texture_layouts() const noexcept { return texture_; }

  /// Both halves empty.
  constexpr bool empty() const noexcept { return buffer_.empty() && texture_.empty(); }
  /// The texture half is non-empty.
  constexpr bool texture_is_valid() const noexcept { return !texture_.empty(); }
  /// The buffer half is non-empty.
  constexpr bool buffer_is_valid() const noexcept { return !buffer_.empty(); }

  /// Per-half intersection (make_intersect).
  friend constexpr repset operator&(repset a, repset b) noexcept {
    return {a.buffer_ & b.buffer_, a.texture_ & b.texture_};
  }
  /// Per-half union (make_union).
  friend constexpr repset operator|(repset a, repset b) noexcept {
    return {a.buffer_ | b.buffer_, a.texture_ | b.texture_};
  }
  /// Subset, half by half.
  friend constexpr bool operator<=(repset a, repset b) noexcept {
    return a.buffer_ <= b.buffer_ && a.texture_ <= b.texture_;
  }
  friend constexpr bool operator==(repset, repset) = default;

  /// Whether `repr`'s layout is in the half its storage selects; throws
  /// qlower::error naming the storage unless it is BUFFER or TEXTURE_3D.
  constexpr bool is_compatible(tensor_repr repr) const {
    switch (repr.storage) {
      case storage_type::buffer:
        return buffer_.contains(repr.layout);
      case storage_type::texture_3d:
        return texture_.contains(repr.layout);
      default:
        throw error("unsupported storage type " +
                    std::string(qlower::repset::to_string(repr.storage)));
    }
  }
  /// A non-empty intersection in either half.
  constexpr bool any_in_common(repset other) const noexcept { return !(*this & other).empty(); }

  constexpr std::optional<memory_layout> first_valid_buffer_layout() const noexcept {
    return buffer_.first();
  }
  constexpr std::optional<memory_layout> first_valid_texture_layout() const noexcept {
    return texture_.first();
  }

  /// The representation a tensor gets from this set: a texture whenever a
  /// texture layout is left (its first layout), else a buffer (its first
  /// layout); the (DEFAULT_STORAGE, DEFAULT_LAYOUT) placeholder for the empty set.
  constexpr tensor_repr make_tensor_repr() const noexcept {
    if (auto layout = texture_.first())
      return {storage_type::texture_3d, *layout};
    if (auto layout = buffer_.first())
      return {storage_type::buffer, *layout};
    return {};
  }

  /// Empty, or exactly one representation left.
  constexpr bool is_constrained() const noexcept {
    return empty() || (texture_.size() == 1 && buffer_.empty()) ||
           (texture_.empty() && buffer_.size() == 1);
  }
  constexpr bool is_ambiguous() const noexcept { return !is_constrained(); }

  /// The packed-dim infos of the buffer half.
  constexpr pdi_set buffer_pdis() const noexcept {
    return packed_dim_infos(buffer_, storage_type::buffer);
  }
  /// The packed-dim infos of the texture half.
  constexpr pdi_set texture_pdis() const noexcept {
    return packed_dim_infos(texture_, storage_type::texture_3d);
  }

  /// Equal packed-dim info sets per half; a fully empty side matches anything.
  constexpr bool has_same_packed_dim_info_set(repset other) const noexcept {
    if (empty() || other.empty())
      return true;
    return buffer_pdis() == other.buffer_pdis() && texture_pdis() == other.texture_pdis();
  }
  /// This set's packed-dim infos include `other`'s, per half (so an empty set
  /// covers only an empty one).
  constexpr bool has_compatible_packed_dim_info_set(repset other) const noexcept {
    return other.buffer_pdis() <= buffer_pdis() && other.texture_pdis() <= texture_pdis();
  }

  /// The layouts of this set whose packed-dim info `other` has in the same
  /// half; a half `other` leaves empty is emptied. An empty `other` constrains nothing.
  constexpr repset constrain_to_compatible_packed_dim(repset other) const noexcept {
    if (other.empty())
      return *this;
    return {keep_pdis(buffer_, storage_type::buffer, other.buffer_pdis()),
            keep_pdis(texture_, storage_type::texture_3d, other.texture_pdis())};
  }

  /// "{buffer: {...}, texture: {...}}"
  std::string to_string() const {
    return "{buffer: " + buffer_.to_string() + ", texture: " + texture_.to_string() + "}";
  }

 private:
  static constexpr layout_set keep_pdis(layout_set layouts, storage_type storage,
                                        pdi_set allowed) noexcept {
    std::uint16_t kept = 0;
    for (unsigned value = 0; value <= max_layout_value; ++value) {
      const auto layout = static_cast<memory_layout>(value);
      if (layouts.contains(layout) && allowed.contains(packed_dim_info_of(layout, storage)))
        kept = static_cast<std::uint16_t>(kept | (1U << value));
    }
    return layout_set::from_bits(kept);
  }

  layout_set buffer_;
  layout_set texture_;
};

/// `set` without the texture layouts whose extents for `sizes` exceed
/// `limits`, and without its texture half for a tensor of rank > 4
/// (filter_invalid_reprs).
template <class Sizes>
constexpr repset filter_invalid_reprs(const Sizes& sizes, repset set, const image_extents& limits) {
  if (sizes.size() > 4)
    return {set.buffer_layouts(), {}};
  std::uint16_t kept = 0;
  for (unsigned value = 0; value <= max_layout_value; ++value) {
    const auto layout = static_cast<memory_layout>(value);
    if (set.texture_layouts().contains(layout) &&
        extents_are_valid(required_image_extents(sizes, layout), limits)) {
      kept = static_cast<std::uint16_t>(kept | (1U << value));
    }
  }
  return {set.buffer_layouts(), layout_set::from_bits(kept)};
}

}  // namespace qlower::repset
