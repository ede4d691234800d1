// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>

#include "qlower/core/error.hpp"
#include "qlower/repset/layout.hpp"
#include "qlower/repset/named.hpp"
#include "qlower/repset/repset.hpp"

namespace qlower::repset {

/// A short list of repsets that broadcasts like ExecuTorch's TensorRepSetList:
/// a one-element list serves every index, and an index past the end of a
/// longer list reads the empty set.
class repset_list {
 public:
  static constexpr std::size_t capacity = 17;

  constexpr repset_list() = default;
  constexpr repset_list(std::initializer_list<repset> sets) {
    if (sets.size() > capacity)
      throw error("a repset list holds at most 17 sets");
    for (repset set : sets)
      values_[size_++] = set;
  }
  /// `first` followed by `count` copies of `rest`: [C_TEX, NO x 10].
  static constexpr repset_list repeated(repset first, repset rest, std::size_t count) {
    if (count + 1 > capacity)
      throw error("a repset list holds at most 17 sets");
    repset_list list{first};
    for (std::size_t i = 0; i < count; ++i)
      list.values_[list.size_++] = rest;
    return list;
  }

  constexpr std::size_t size() const noexcept { return size_; }
  constexpr bool empty() const noexcept { return size_ == 0; }
  constexpr repset operator[](std::size_t i) const noexcept {
    if (size_ == 1)
      return values_[0];
    return i < size_ ? values_[i] : repset{};
  }
  /// Writes element `i`, or the shared element of a one-element list; a write
  /// past the end of a longer list is ignored, as nothing can read it back.
  constexpr void set(std::size_t i, repset value) noexcept {
    if (size_ == 1)
      values_[0] = value;
    else if (i < size_)
      values_[i] = value;
  }
  constexpr void push_back(repset value) {
    if (size_ == capacity)
      throw error("a repset list holds at most 17 sets");
    values_[size_++] = value;
  }
  /// Whether the list is empty or holds an empty set (any_is_empty).
  constexpr bool any_is_empty() const noexcept {
    if (size_ == 0)
      return true;
    for (std::size_t i = 0; i < size_; ++i) {
      if (values_[i].empty())
        return true;
    }
    return false;
  }
  friend constexpr bool operator==(const repset_list& a, const repset_list& b) noexcept {
    if (a.size_ != b.size_)
      return false;
    for (std::size_t i = 0; i < a.size_; ++i) {
      if (a.values_[i] != b.values_[i])
        return false;
    }
    return true;
  }

 private:
  std::array<repset, capacity> values_{};
  std::uint8_t size_ = 0;
};

/// What an op's positional argument is, for building its repsets.
enum class arg_kind : std::uint8_t {
  non_tensor,  ///< a scalar, a list of ints, None
  tensor,      ///< a tensor, or a list of tensors such as cat's
};

/// The repsets of every argument and output of one op node, with the three
/// synchronisation rules of ExecuTorch's OpRepSets: all arguments share one
/// repset when the op registers one for all; all outputs share one when it
/// registers one; the primary argument (the first tensor argument with a
/// non-empty registration) and the first output share one when they are
/// registered with equal sets. Narrowing one member narrows its synced
/// partners by packed-dim info, not by exact layout.
class op_repsets {
 public:
  /// Builds the repsets of a node with `arg_count` positional arguments and
  /// `output_count` outputs from the op's registration. `kind_of(i)` says what
  /// argument i is; `filter_arg(i, set)` and `filter_output(k, set)` drop the
  /// representations the argument's or output's shape cannot take.
  template <class KindOf, class FilterArg, class FilterOutput>
  constexpr op_repsets(const repset_list& inputs_storage, const repset_list& outputs_storage,
                       std::size_t arg_count, std::size_t output_count, KindOf kind_of,
                       FilterArg filter_arg, FilterOutput filter_output) {
    if (arg_count > repset_list::capacity || output_count > repset_list::capacity) {
      throw error("an op with " + std::to_string(arg_count) + " arguments and " +
                  std::to_string(output_count) + " outputs exceeds the repset list capacity of " +
                  std::to_string(repset_list::capacity));
    }
    sync_args_ = inputs_storage.size() <= 1;
    sync_outs_ = outputs_storage.size() <= 1;
    arg_count_ = static_cast<std::uint8_t>(arg_count);
    for (std::size_t i = 0; i < arg_count; ++i) {
      if (kind_of(i) == arg_kind::tensor && !inputs_storage[i].empty()) {
        primary_ = static_cast<std::uint8_t>(i);
        break;
      }
    }
    sync_primary_io_ = primary_ != no_primary && inputs_storage[primary_] == outputs_storage[0];

    repset common_arg = named::universal;
    repset_list args;
    for (std::size_t i = 0; i < arg_count; ++i) {
      const repset registered = inputs_storage[i];
      if (kind_of(i) != arg_kind::tensor || registered.empty()) {
        args.push_back(named::universal);
      } else {
        const repset filtered = filter_arg(i, registered);
        args.push_back(filtered);
        common_arg = common_arg & filtered;
      }
    }
    // One output gets its filtered registration; several, their intersection.
    repset common_out = output_count == 1 ? filter_output(0, outputs_storage[0]) : named::universal;
    repset_list outs;
    for (std::size_t k = 0; k < output_count && output_count > 1; ++k) {
      const repset filtered = filter_output(k, outputs_storage[k]);
      outs.push_back(filtered);
      common_out = common_out & filtered;
    }
    if (output_count == 1)
      outs.push_back(common_out);
    if (sync_args_)
      args = {common_arg};
    if (sync_outs_)
      outs = {common_out};
    if (sync_primary_io_) {
      const repset primary = args[primary_] & outs[0];
      if (sync_args_)
        args = {primary};
      else
        args.set(primary_, primary);
      if (sync_outs_)
        outs = {primary};
      else
        outs.set(0, primary);
    }
    args_ = args;
    outs_ = outs;
    output_count_ = static_cast<std::uint8_t>(output_count);
  }

  constexpr repset arg(std::size_t i) const noexcept { return args_[i]; }
  constexpr repset output(std::size_t k) const noexcept { return outs_[k]; }
  constexpr std::size_t arg_count() const noexcept { return arg_count_; }
  constexpr std::size_t output_count() const noexcept { return output_count_; }
  constexpr bool sync_args() const noexcept { return sync_args_; }
  constexpr bool sync_outputs() const noexcept { return sync_outs_; }
  constexpr bool sync_primary_io() const noexcept { return sync_primary_io_; }
  /// The index of the primary argument, if the op has one.
  constexpr std::optional<std::size_t> primary_arg() const noexcept {
    if (primary_ == no_primary)
      return std::nullopt;
    return primary_;
  }
  /// Whether a repset of an argument or output is empty: the op cannot hold
  /// its tensors ("no valid representations").
  constexpr bool any_is_empty() const noexcept {
    return args_.any_is_empty() || outs_.any_is_empty();
  }

  /// Whether narrowing argument `i` narrows the first output, so a consumer's
  /// requirement passes through this op to its output's users.
  constexpr bool propagates_to_output(std::size_t i) const noexcept {
    return sync_primary_io_ && (sync_args_ || i == primary_);
  }

  /// Narrows argument `i` to what `source` allows and its synced partners to
  /// the packed-dim infos left; false, changing nothing, when `source` equals
  /// the argument's set, shares nothing with it, or would leave the synced
  /// first output without a matching packed dim.
  constexpr bool try_constrain_with_arg_repset(std::size_t i, repset source) noexcept {
    const repset current = args_[i];
    if (current == source || !current.any_in_common(source))
      return false;
    const repset narrowed = current & source;
    if (sync_primary_io_ && !outs_[0].has_compatible_packed_dim_info_set(narrowed))
      return false;
    args_.set(i, narrowed);
    if (sync_args_)
      constrain_all_args_to(narrowed, i);
    if (propagates_to_output(i)) {
      outs_.set(0, outs_[0].constrain_to_compatible_packed_dim(narrowed));
      if (sync_outs_)
        constrain_all_outputs_to(outs_[0], 0);
    }
    return true;
  }

  /// Narrows the first output to what `required` allows and its synced
  /// partners to the packed-dim infos left; false when `required` equals the
  /// output's set or shares nothing with it.
  constexpr bool try_constrain_with_out_repset(repset required) noexcept {
    const repset current = outs_[0];
    if (current == required || !current.any_in_common(required))
      return false;
    outs_.set(0, current & required);
    if (sync_outs_)
      constrain_all_outputs_to(outs_[0], 0);
    if (sync_primary_io_) {
      args_.set(primary_, args_[primary_].constrain_to_compatible_packed_dim(outs_[0]));
      if (sync_args_)
        constrain_all_args_to(args_[primary_], primary_);
    }
    return true;
  }

  /// The representation of argument `i` (pick_representations).
  constexpr tensor_repr arg_repr(std::size_t i) const noexcept {
    return args_[i].make_tensor_repr();
  }
  /// The representation of output `k`.
  constexpr tensor_repr output_repr(std::size_t k) const noexcept {
    return outs_[k].make_tensor_repr();
  }

 private:
  static constexpr std::uint8_t no_primary = 0xff;

  // A synced list holds one shared set that broadcasts to every position (as
  // ExecuTorch's TensorRepSetList does), so its other members are already it;
  // the loop matters only for lists with a set per position.
  constexpr void constrain_all_args_to(repset source, std::size_t except) noexcept {
    if (args_.size() <= 1)
      return;
    for (std::size_t j = 0; j < args_.size(); ++j) {
      if (j != except)
        args_.set(j, args_[j].constrain_to_compatible_packed_dim(source));
    }
  }
  constexpr void constrain_all_outputs_to(repset source, std::size_t except) noexcept {
    if (outs_.size() <= 1)
      return;
    for (std::size_t k = 0; k < outs_.size(); ++k) {
      if (k != except)
        outs_.set(k, outs_[k].constrain_to_compatible_packed_dim(source));
    }
  }

  repset_list args_;
  repset_list outs_;
  std::uint8_t arg_count_ = 0;
  std::uint8_t output_count_ = 0;
  std::uint8_t primary_ = no_primary;
  bool sync_args_ = true;
  bool sync_outs_ = true;
  bool sync_primary_io_ = false;
};

}  // namespace qlower::repset
