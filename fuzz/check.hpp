// SPDX-License-Identifier: Apache-2.0
#pragma once

// How a fuzz target reports a broken invariant: it prints what broke and
// aborts, so libFuzzer saves the input as a crash and the replay program
// (and with it its ctest) fails on it.

#include <cxxabi.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <string_view>
#include <typeinfo>
#include <utility>

#include "qlower/core/error.hpp"

namespace qlower::fuzz {

/// The readable name of a type ("nlohmann::...::out_of_range").
inline std::string type_name(const std::type_info& type) {
  int status = 0;
  char* readable = abi::__cxa_demangle(type.name(), nullptr, nullptr, &status);
  std::string name = status == 0 && readable != nullptr ? readable : type.name();
  std::free(readable);
  return name;
}

[[noreturn]] inline void fail(const char* file, int line, const char* what,
                              const std::string& detail) {
  std::fprintf(stderr, "%s:%d: invariant broken: %s\n", file, line, what);
  if (!detail.empty())
    std::fprintf(stderr, "  %s\n", detail.c_str());
  std::fflush(stderr);
  std::abort();
}

/// An exception that is not a qlower::error: printed, then a finding.
[[noreturn]] inline void fail_on_exception(const char* stage, const std::exception* caught) {
  std::string detail = std::string("an exception escaped ") + stage + ": ";
  detail += caught == nullptr ? std::string("(not a std::exception)")
                              : type_name(typeid(*caught)) + ": " + caught->what();
  fail(__FILE__, __LINE__, "only qlower::error may leave qlower", detail);
}

/// Calls body(): true when it returns, false when it throws a qlower::error
/// (a typed answer to a bad input). Any other exception is a finding.
template <class Body>
bool typed_error_or_success(const char* stage, Body&& body) {
  try {
    std::forward<Body>(body)();
    return true;
  } catch (const qlower::error&) {
    return false;
  } catch (const std::exception& caught) {
    fail_on_exception(stage, &caught);
  } catch (...) {
    fail_on_exception(stage, nullptr);
  }
}

/// Calls body() where qlower promises no exception at all (a pass on a graph
/// that read, a writer on what its reader returned): any exception, a
/// qlower::error included, is a finding.
template <class Body>
decltype(auto) must_succeed(const char* stage, Body&& body) {
  try {
    return std::forward<Body>(body)();
  } catch (const std::exception& caught) {
    fail(__FILE__, __LINE__, stage, "threw " + type_name(typeid(caught)) + ": " + caught.what());
  } catch (...) {
    fail(__FILE__, __LINE__, stage, "threw an exception that is not a std::exception");
  }
}

}  // namespace qlower::fuzz

/// Aborts with the condition, the file and line, and `detail` (any expression
/// convertible to std::string, evaluated only when the check fails).
#define QLOWER_FUZZ_CHECK(condition, detail)                                     \
  do {                                                                           \
    if (!(condition))                                                            \
      ::qlower::fuzz::fail(__FILE__, __LINE__, #condition, std::string(detail)); \
  } while (false)
