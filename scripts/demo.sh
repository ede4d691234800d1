#!/usr/bin/env bash
# The main job: builds the qlower tool and runs it on the bundled example graphs.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >/dev/null
cmake -S . -B build/gcc -G Ninja -DCMAKE_CXX_COMPILER=g++ -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build/gcc --target qlower_tool >/dev/null
build/gcc/tools/qlower info examples/graphs/*.json
