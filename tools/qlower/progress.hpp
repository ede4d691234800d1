// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <iomanip>
#include <iostream>
#include <string>
#include <string_view>

namespace qlower::tool {

enum class progress_mode : std::uint8_t {
  automatic,  ///< report on inputs large enough to take about a second
  always,
  never,
};

/// Stage lines on stderr ("qlower partition: [0.84 s] partitioning 1000000 nodes"),
/// so that a user waiting on a large graph sees where the time goes while
/// stdout stays the report alone.
class progress {
 public:
  /// From these sizes on a run takes about a second or more. Measured with
  /// `qlower partition` on conv/relu/permute chains on the 2-core development
  /// machine: 100k nodes (14.9 MB) read in 0.9 s and done in 2.2 s; 1M nodes
  /// (151 MB) read in 11.8 s and done in 34 s.
  static constexpr std::size_t automatic_node_threshold = 50'000;
  static constexpr std::uintmax_t automatic_file_threshold = 8u << 20;

  progress(progress_mode mode, std::string command)
      : command_(std::move(command)), enabled_(mode == progress_mode::always), mode_(mode) {}

  /// Turns reporting on in automatic mode when the input is that large.
  void file_size(std::uintmax_t bytes) {
    if (mode_ == progress_mode::automatic && bytes >= automatic_file_threshold)
      enabled_ = true;
  }
  void node_count(std::size_t nodes) {
    if (mode_ == progress_mode::automatic && nodes >= automatic_node_threshold)
      enabled_ = true;
  }

  void stage(std::string_view what) const {
    if (!enabled_)
      return;
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start_;
    std::cerr << command_ << ": [" << std::fixed << std::setprecision(2) << elapsed.count()
              << " s] " << what << std::endl;  // flushed: the point is to show it now
  }

  bool enabled() const noexcept { return enabled_; }

 private:
  std::string command_;
  bool enabled_;
  progress_mode mode_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

}  // namespace qlower::tool
