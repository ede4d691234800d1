#!/usr/bin/env bash
# The main job: builds the qlower tool and runs it on the bundled examples:
# `info` on every example graph, then `lint` on qlower's built-in rules (clean)
# and on the rule files that reproduce the seed defects (findings expected).
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
