// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <rapidcheck.h>

#include <algorithm>
#include <cstddef>
#include <utility>
#include <vector>

namespace qlower::harness {

/// `items` in a random order drawn inside a RapidCheck property (RapidCheck has
/// no shuffle generator): a stable sort by random keys, so it shrinks to the
/// original order.
template <class T>
std::vector<T> shuffled(const std::vector<T>& items) {
  const auto keys = *rc::gen::container<std::vector<int>>(items.size(), rc::gen::arbitrary<int>());
  std::vector<std::size_t> order(items.size());
  for (std::size_t i = 0; i < order.size(); ++i)
    order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return keys[a] < keys[b]; });
  std::vector<T> result;
  result.reserve(items.size());
  for (std::size_t i : order)
    result.push_back(items[i]);
  return result;
}

}  // namespace qlower::harness
