// SPDX-License-Identifier: Apache-2.0
#include "bench/peak_memory.hpp"

#include <atomic>
#include <cstdlib>
#include <new>

namespace {

// A size header in front of every block, so operator delete knows what it frees.
constexpr std::size_t header = alignof(std::max_align_t);
std::atomic<std::size_t> in_use{0};
std::atomic<std::size_t> peak{0};

void* allocate(std::size_t size) {
  void* block = std::malloc(size + header);
  if (block == nullptr)
    throw std::bad_alloc();
  *static_cast<std::size_t*>(block) = size;
  const std::size_t now = in_use.fetch_add(size, std::memory_order_relaxed) + size;
  std::size_t seen = peak.load(std::memory_order_relaxed);
  while (now > seen && !peak.compare_exchange_weak(seen, now, std::memory_order_relaxed)) {
  }
  return static_cast<char*>(block) + header;
}

void release(void* pointer) noexcept {
  if (pointer == nullptr)
    return;
  void* block = static_cast<char*>(pointer) - header;
  in_use.fetch_sub(*static_cast<std::size_t*>(block), std::memory_order_relaxed);
  std::free(block);
}

}  // namespace

void* operator new(std::size_t size) {
  return allocate(size);
}
void* operator new[](std::size_t size) {
  return allocate(size);
}
void operator delete(void* pointer) noexcept {
  release(pointer);
}
void operator delete[](void* pointer) noexcept {
  release(pointer);
}
void operator delete(void* pointer, std::size_t) noexcept {
  release(pointer);
}
void operator delete[](void* pointer, std::size_t) noexcept {
  release(pointer);
}

namespace qlower::bench {

std::size_t heap_in_use() noexcept {
  return in_use.load(std::memory_order_relaxed);
}
std::size_t heap_peak() noexcept {
  return peak.load(std::memory_order_relaxed);
}
void reset_heap_peak() noexcept {
  peak.store(heap_in_use(), std::memory_order_relaxed);
}

}  // namespace qlower::bench
