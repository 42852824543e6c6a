#!/usr/bin/env bash
# Builds the Debian package: installs the Debian packages the build needs, builds the two
# executables in the Release build (build/default, configured if absent) and runs cpack.
# Prints the path of teramind-studio_<version>_amd64.deb.
# Usage: packaging/build-deb.sh [BUILD_DIR]   (default: build/default)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$root/build/default}"
bash "$root/packaging/install-deps.sh"
cd "$root"
if [ ! -f "$build/CMakeCache.txt" ]; then
  if [ "$build" = "$root/build/default" ]; then cmake --preset default
  else cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release; fi
fi
# Only what the package holds; the test suite is not needed for it.
targets=(teramind)
grep -q '^TERAMIND_GUI:BOOL=ON' "$build/CMakeCache.txt" && targets+=(teramind-studio)
cmake --build "$build" --target "${targets[@]}" -j "$(nproc)"
rm -f "$build"/package/teramind-studio_*.deb
cpack --config "$build/CPackConfig.cmake" -B "$build/package"
deb="$(ls "$build"/package/teramind-studio_*_amd64.deb)"
echo "package: $deb ($(du -h "$deb" | cut -f1))"
