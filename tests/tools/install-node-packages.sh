#!/usr/bin/env bash
# Installs the node packages the tests read our files with (zarrita: an independent Zarr v3
# reader with sharding; hyparquet: a Parquet reader) and write test inputs with
# (hyparquet-writer, parquet-wasm) into tests/tools/node_modules, as package-lock.json pins
# them. Tests never install at run time; without node, npm or these packages they skip and say so.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "install-node-packages: node or npm is missing; the Zarr v3 and Parquet reader tests will skip"
  exit 0
fi
if [ -f "$here/node_modules/.package-lock.json" ] &&
   cmp -s "$here/package-lock.json" "$here/node_modules/.package-lock.json.installed" 2>/dev/null; then
  echo "install-node-packages: already installed"
  exit 0
fi
cd "$here"
npm ci --no-audit --no-fund --loglevel=error
cp package-lock.json node_modules/.package-lock.json.installed
echo "install-node-packages: installed $(ls node_modules | tr '\n' ' ')"
