// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <catch2/catch.hpp>
#include <exception>
#include <string>
#include <utility>

namespace qlower::harness {

/// Matches an exception whose what() contains `text`: Catch2 v2's string
/// matchers take a std::string, so REQUIRE_THROWS_MATCHES needs this bridge.
class message_contains : public Catch::MatcherBase<std::exception> {
 public:
  explicit message_contains(std::string text) : text_(std::move(text)) {}
  bool match(const std::exception& error) const override {
    return std::string(error.what()).find(text_) != std::string::npos;
  }
  std::string describe() const override { return "has a message containing \"" + text_ + "\""; }

 private:
  std::string text_;
};

}  // namespace qlower::harness
