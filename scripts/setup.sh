#!/usr/bin/env bash
# Installs, only when missing, the Debian packages qlower needs to build, test,
# benchmark and fuzz. As root it runs apt-get; as another user it prints the
# exact command to run and exits non-zero.
#
# QLOWER_WITH_TORCH=1 adds Debian's PyTorch (python3-torch, for
# /usr/bin/python3), which tools/export_graph.py needs; without it that tool's
# test reports itself skipped.
set -euo pipefail

packages=(
  g++ clang-16 libclang-rt-16-dev cmake ninja-build pkg-config
  libboost-dev libxsimd-dev catch2 librapidcheck-dev libbenchmark-dev
  nlohmann-json3-dev libcli11-dev graphviz
  # the benchmark's peer; xnnpack.h includes pthreadpool.h, which libxnnpack-dev does not pull in
  libxnnpack-dev libpthreadpool-dev
)
# Opt-in: python3-torch brings some 170 packages that nothing else needs.
if [[ "${QLOWER_WITH_TORCH:-0}" == 1 ]]; then
  packages+=(python3-torch)
fi

missing=()
for package in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$package")
done

if ((${#missing[@]} == 0)); then
  echo "setup: all ${#packages[@]} packages present"
  exit 0
fi

command="apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
if [[ $(id -u) -ne 0 ]]; then
  echo "setup: missing packages: ${missing[*]}" >&2
  echo "setup: run as root:  $command" >&2
  exit 1
fi

echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
