#!/usr/bin/env bash
# The whole test suite, from nothing: installs what is missing, then builds and
# runs every test twice, with g++ 12 (all targets, consumer tests and the fuzz
# corpora's replays included) and with clang++-16 under AddressSanitizer +
# UndefinedBehaviorSanitizer (the harness, every header on its own, the tool,
# the examples, and a smoke run of every libFuzzer target).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

# The property budget of CI: 1,000 cases per RapidCheck property in the g++
# build and 250 under the sanitizers, which run them about 4x slower (a caller's
# RC_PARAMS applies to both). The deep run is `ctest -L deep` (20,000 cases
# each, harness/CMakeLists.txt), outside this command.
gcc_rc_params="${RC_PARAMS:-max_success=1000}"
sanitized_rc_params="${RC_PARAMS:-max_success=250}"

configure_build_test() {
  local dir=$1 rc_params=$2
  shift 2
  echo "=== $dir: configure and build"
  cmake -S . -B "$dir" -G Ninja "$@" >/dev/null
  local start=$SECONDS
  cmake --build "$dir"
  echo "=== $dir: built in $((SECONDS - start)) s; running tests (RC_PARAMS=$rc_params)"
  start=$SECONDS
  RC_PARAMS="$rc_params" ctest --test-dir "$dir" --output-on-failure -j "$(nproc)" -LE deep
  echo "=== $dir: tests ran in $((SECONDS - start)) s"
}

configure_build_test build/gcc "$gcc_rc_params" -DCMAKE_CXX_COMPILER=g++ -DCMAKE_BUILD_TYPE=RelWithDebInfo
# The sanitized build also builds the libFuzzer targets and runs each for
# QLOWER_FUZZ_SMOKE_SECONDS (30) from its seed corpus (ctest label fuzz_smoke).
configure_build_test build/clang-asan "$sanitized_rc_params" -DCMAKE_CXX_COMPILER=clang++-16 \
  -DCMAKE_BUILD_TYPE=Debug -DQLOWER_SANITIZE=ON -DQLOWER_BENCH=OFF -DQLOWER_CONSUMER_TESTS=OFF \
  -DQLOWER_FUZZ=ON

echo "=== fuzz smoke runs (ASan + UBSan): executions per target"
for log in build/clang-asan/fuzz/smoke/*/fuzzer.log; do
  name=$(basename "$(dirname "$log")")
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
  echo "  $name: ${runs:-?} executions, ${rate:-?}/s"
done
