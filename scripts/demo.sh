#!/usr/bin/env bash
# The main job: builds the qlower tool and runs it on the bundled examples:
# `info` on every example graph; `lint` on qlower's built-in rules (clean) and
# on the rule files that reproduce the seed defects (findings expected); then
# `partition` on the seed graphs for the Ethos-U55, with qlower's rules and
# with the seed's rule removed, side by side; and the seed-003 decoder on the
# Vulkan backend, with qlower's layout-agnostic identity ops and without.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >/dev/null
cmake -S . -B build/gcc -G Ninja -DCMAKE_CXX_COMPILER=g++ -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build/gcc --target qlower_tool >/dev/null
qlower=build/gcc/tools/qlower

echo "=== qlower info: the example graphs"
"$qlower" info examples/graphs/*.json

echo
echo "=== qlower lint: the built-in Arm quantizers on the Ethos-U55"
"$qlower" lint

for rules in examples/rules/seed_*.json; do
  echo
  echo "=== qlower lint: $rules (a seed defect: findings expected)"
  set +e
  "$qlower" lint "$rules"
  status=$?
  set -e
  if [[ $status -ne 1 ]]; then
    echo "demo: expected findings (exit 1) for $rules, got exit $status" >&2
    exit 1
  fi
done

echo
echo "=== qlower partition: the seed graphs on the Ethos-U55, qlower's rules and the seed's rule removed"
printf '%-26s %-34s %10s %15s %14s\n' graph quantizer delegates non-delegated "host permutes"
run_partition() {
  local graph=$1 rules=$2 label=$3
  local report
  if [[ -n $rules ]]; then
    report=$("$qlower" partition "$graph" --rules "$rules")
  else
    report=$("$qlower" partition "$graph")
  fi
  local delegates host permutes
  delegates=$(sed -n 's/^Total delegated subgraphs: //p' <<<"$report")
  host=$(sed -n 's/^Number of non-delegated nodes: //p' <<<"$report")
  permutes=$(grep -c '(aten.permute_copy.default): ' <<<"$report" || true)
  printf '%-26s %-34s %10s %15s %14s\n' "$(basename "$graph" .json)" "$label" "$delegates" "$host" "$permutes"
}
run_partition examples/graphs/seed_000_convnext.json "" "qlower (arm_quantizer)"
run_partition examples/graphs/seed_000_convnext.json examples/rules/seed_000_without_moveaxis.json "without moveaxis/movedim rule"
run_partition examples/graphs/seed_001_emg.json "" "qlower (arm_quantizer)"
run_partition examples/graphs/seed_001_emg.json examples/rules/seed_001_without_concat.json "without the concat rule"

echo
echo "=== qlower partition: why, for seed 001 with the concat rule removed"
"$qlower" partition examples/graphs/seed_001_emg.json --rules examples/rules/seed_001_without_concat.json

echo
echo "=== qlower partition --target vulkan: seed 003 as the delegate's graph, layout transitions"
printf '%-26s %-34s %12s\n' graph rules transitions
run_vulkan() {
  local label=$1
  shift
  local report transitions
  report=$("$qlower" partition examples/graphs/seed_003_refinenet.json --target vulkan --as-delegate "$@")
  transitions=$(sed -n 's/^transitions: //p' <<<"$report")
  printf '%-26s %-34s %12s\n' seed_003_refinenet "$label" "$transitions"
}
run_vulkan "qlower (identity ops agnostic)"
run_vulkan "without layout-agnostic" --no-layout-agnostic

echo
echo "=== qlower partition --target vulkan: the transitions left with qlower's registry"
"$qlower" partition examples/graphs/seed_003_refinenet.json --target vulkan --as-delegate | sed -n '/^transitions:/,$p'
