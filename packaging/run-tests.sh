#!/usr/bin/env bash
# Quick start: install, build, and run the whole test suite (GUI and rendering tests under
# Xvfb). Real-data tests read ../shared/data, or $TERAMIND_DATA; they skip where it is absent.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/packaging/setup.sh" default
cd "$root"
# Independent readers the tests check our files with (node packages, never fetched at test time).
bash "$root/tests/tools/install-node-packages.sh"
# The fuzz build (clang, libFuzzer, ASan + UBSan; engine only): ctest's fuzz.run.<name> fuzz
# each target for a bounded time with it (skipped where it is absent).
cmake --preset fuzz
cmake --build --preset fuzz -j "$(nproc)"
# The Debian package, which ctest's package.install_in_clean_root installs into a clean root.
bash "$root/packaging/build-deb.sh"
exec ctest --preset default -j "$(nproc)"
