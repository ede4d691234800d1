#!/usr/bin/env bash
# The main job: installs what is missing, builds the qlower tool and runs
# `qlower demo`: the bundled seed graphs through the whole pipeline, with the
# seed's rule removed and with qlower's rules, as one table; the pictures of
# every graph go to build/demo/ (SVG with Graphviz, which setup installs).
# Arguments are passed to `qlower demo` (see `qlower demo --help`).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >/dev/null
cmake -S . -B build/gcc -G Ninja -DCMAKE_CXX_COMPILER=g++ -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build/gcc --target qlower_tool >/dev/null
exec build/gcc/tools/qlower demo --out build/demo "$@"
