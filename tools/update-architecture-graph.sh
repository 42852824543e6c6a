#!/usr/bin/env bash
# Regenerates docs/images/architecture.dot (and .svg) from the build's own target graph:
# cmake --graphviz over the configured build directory, reduced by tools/architecture_graph.py
# to our libraries and the big third-party dependencies, rendered with Graphviz's dot.
# Usage: tools/update-architecture-graph.sh [build-dir]   (default: build/default)
# Rendering needs Graphviz (apt-get install graphviz); without it only the DOT is written.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build/default}"
if [ ! -f "$build/CMakeCache.txt" ]; then
  echo "update-architecture-graph: $build is not a configured build directory" >&2
  exit 1
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Re-runs the build directory's configure step, so share the build lock when there is one.
configure=(cmake --graphviz="$work/targets.dot" "$build")
if command -v flock >/dev/null 2>&1; then configure=(flock /tmp/teramind-build.lock "${configure[@]}"); fi
if ! "${configure[@]}" >"$work/configure.log" 2>&1; then
  cat "$work/configure.log" >&2
  exit 1
fi

mkdir -p "$root/docs/images"
python3 "$root/tools/architecture_graph.py" "$work/targets.dot" >"$work/architecture.dot"
mv "$work/architecture.dot" "$root/docs/images/architecture.dot"
echo "update-architecture-graph: wrote docs/images/architecture.dot"

if command -v dot >/dev/null 2>&1; then
  dot -Tsvg "$root/docs/images/architecture.dot" -o "$work/architecture.svg"
  mv "$work/architecture.svg" "$root/docs/images/architecture.svg"
  echo "update-architecture-graph: wrote docs/images/architecture.svg"
else
  echo "update-architecture-graph: Graphviz's dot is not installed (apt-get install graphviz);" \
       "docs/images/architecture.svg was not updated" >&2
fi
