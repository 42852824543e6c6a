#!/usr/bin/env bash
# Shared by run-demo.sh and run-tests.sh: install the Debian packages, configure, build.
# Usage: packaging/setup.sh [PRESET]   (default: "default", the Release build)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
preset="${1:-default}"
bash "$root/packaging/install-deps.sh"
cd "$root"
cmake --preset "$preset"
cmake --build --preset "$preset" -j "$(nproc)"
