#!/usr/bin/env bash
# The whole test suite, from nothing: installs what is missing, then builds and
# runs every test twice, with g++ 12 (all targets, consumer tests included) and
# with clang++-16 under AddressSanitizer + UndefinedBehaviorSanitizer (the
# harness, every header on its own, the tool and the examples).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

# Every RapidCheck property runs 1,000 cases unless the caller asks otherwise.
export RC_PARAMS="${RC_PARAMS:-max_success=1000}"

configure_build_test() {
  local dir=$1
  shift
  echo "=== $dir: configure and build"
  cmake -S . -B "$dir" -G Ninja "$@" >/dev/null
  local start=$SECONDS
  cmake --build "$dir"
  echo "=== $dir: built in $((SECONDS - start)) s; running tests"
  ctest --test-dir "$dir" --output-on-failure -j "$(nproc)"
}

configure_build_test build/gcc -DCMAKE_CXX_COMPILER=g++ -DCMAKE_BUILD_TYPE=RelWithDebInfo
configure_build_test build/clang-asan -DCMAKE_CXX_COMPILER=clang++-16 -DCMAKE_BUILD_TYPE=Debug \
  -DQLOWER_SANITIZE=ON -DQLOWER_BENCH=OFF -DQLOWER_CONSUMER_TESTS=OFF
