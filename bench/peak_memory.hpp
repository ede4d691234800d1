// SPDX-License-Identifier: Apache-2.0
#pragma once

// Heap bytes in use, counted by the replacement operator new of
// bench/peak_memory.cpp: what a pass allocates at its peak, apart from the
// graph it reads.

#include <cstddef>

namespace qlower::bench {

/// Bytes currently allocated through operator new.
std::size_t heap_in_use() noexcept;
/// The most bytes in use since the last reset_heap_peak().
std::size_t heap_peak() noexcept;
/// Starts a new peak from the bytes in use now.
void reset_heap_peak() noexcept;

}  // namespace qlower::bench
