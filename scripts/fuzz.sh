#!/usr/bin/env bash
# The long fuzzing run (fuzz/README.md): builds the libFuzzer programs with
# clang++-16 in build/fuzz, runs every target for SECONDS (default 600) on a
# working copy of its corpus, and prints a table of executions and findings.
#
#     bash scripts/fuzz.sh [SECONDS] [TARGET...]
#
# Environment: FUZZ_JOBS=2 runs two targets at a time (one per core);
# FUZZ_BUILD_DIR (default build/fuzz); FUZZ_BUILD_JOBS, the compile jobs
# (default: nproc); FUZZ_KERNELS=OFF leaves out qlower::kernels, the
# compiled kernels the affine target otherwise also checks on every
# instruction set of the machine (default ON). Working corpora persist in BUILD/corpus/NAME between
# runs (seeds are copied in, never out); each run's logs and findings go to
# BUILD/runs/DATE/NAME/. Exit status 1 when any target found something.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-600}
shift || true
if ! [[ $seconds =~ ^[0-9]+$ ]] || [ "$seconds" -eq 0 ]; then
  echo "usage: bash scripts/fuzz.sh [SECONDS] [TARGET...]" >&2
  exit 2
fi
build=${FUZZ_BUILD_DIR:-build/fuzz}
jobs=${FUZZ_JOBS:-1}
compiler=${CXX_FUZZ:-clang++-16}
command -v "$compiler" >/dev/null || { echo "fuzz.sh: $compiler not found (bash scripts/setup.sh installs it)" >&2; exit 2; }

mapfile -t all_targets < <(find fuzz -name '*.fuzz.cpp' | sed 's|.*/||; s|\.fuzz\.cpp$||' | sort)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")
for name in "${targets[@]}"; do
  [[ " ${all_targets[*]} " == *" $name "* ]] || { echo "fuzz.sh: no target '$name' (${all_targets[*]})" >&2; exit 2; }
done

echo "=== building ${targets[*]} with $compiler in $build"
cmake -S . -B "$build" -G Ninja -DCMAKE_CXX_COMPILER="$compiler" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DQLOWER_FUZZ=ON -DQLOWER_TEST=OFF -DQLOWER_BENCH=OFF -DQLOWER_TOOLS=OFF \
  -DQLOWER_KERNELS="${FUZZ_KERNELS:-ON}" \
  -DQLOWER_CONSUMER_TESTS=OFF >/dev/null
cmake --build "$build" -j "${FUZZ_BUILD_JOBS:-$(nproc)}" --target "${targets[@]/%/_fuzzer}"

run_dir="$build/runs/$(date +%Y%m%d-%H%M%S)"
symbolizer=$(command -v llvm-symbolizer-16 || command -v llvm-symbolizer || true)
[ -z "$symbolizer" ] || export ASAN_SYMBOLIZER_PATH="$symbolizer"

dictionary_of() {
  case $1 in
    json | pipeline) echo fuzz/dict/graph.dict ;;
    rule_file) echo fuzz/dict/rules.dict ;;
    npy) echo fuzz/dict/npy.dict ;;
  esac
}

run_one() {
  local name=$1 corpus="$build/corpus/$1" out="$run_dir/$1"
  mkdir -p "$corpus" "$out/artifacts"
  cp -n fuzz/corpus/"$name"/* "$corpus"/ || true  # keeps what earlier runs found
  local args=(-max_total_time="$seconds" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048
              -artifact_prefix="$out/artifacts/")
  local dictionary
  dictionary=$(dictionary_of "$name")
  [ -z "$dictionary" ] || args+=(-dict="$dictionary")
  local start=$SECONDS status=0
  "$build/fuzz/${name}_fuzzer" "${args[@]}" "$corpus" >"$out/fuzzer.log" 2>&1 || status=$?
  echo "$((SECONDS - start)) $status" >"$out/elapsed"
}

echo "=== fuzzing ${targets[*]} for $seconds s each, $jobs at a time; logs in $run_dir"
pending=()
for name in "${targets[@]}"; do
  run_one "$name" &
  pending+=($!)
  if [ ${#pending[@]} -ge "$jobs" ]; then
    wait "${pending[0]}" || true
    pending=("${pending[@]:1}")
  fi
done
for pid in "${pending[@]}"; do wait "$pid" || true; done

stat_of() { sed -n "s/^stat::$2: *\([0-9]*\)\$/\1/p" "$1" | tail -1; }
failed=0
printf '\n%-10s %8s %12s %8s %8s  %s\n' target seconds executions exec/s corpus findings
for name in "${targets[@]}"; do
  out="$run_dir/$name"
  read -r elapsed status <"$out/elapsed"
  executions=$(stat_of "$out/fuzzer.log" number_of_executed_units)
  rate=$(stat_of "$out/fuzzer.log" average_exec_per_sec)
  corpus=$(find "$build/corpus/$name" -type f | wc -l)
  mapfile -t findings < <(find "$out/artifacts" -type f \( -name 'crash-*' -o -name 'leak-*' \
                            -o -name 'timeout-*' -o -name 'oom-*' \) | sort)
  summary=${#findings[@]}
  if [ ${#findings[@]} -gt 0 ]; then
    summary+=" ${findings[*]}"
  fi
  if [ ${#findings[@]} -gt 0 ] || [ "$status" -ne 0 ]; then
    failed=1
    [ ${#findings[@]} -gt 0 ] || summary+=" (exit status $status, see $out/fuzzer.log)"
  fi
  printf '%-10s %8s %12s %8s %8s  %s\n' "$name" "$elapsed" "${executions:-?}" "${rate:-?}" "$corpus" "$summary"
done
echo
if [ "$failed" -ne 0 ]; then
  echo "findings: replay one with $build/fuzz/NAME_fuzzer FILE; add it as fuzz/corpus/NAME/regression-WHAT"
  exit 1
fi
echo "no findings"
