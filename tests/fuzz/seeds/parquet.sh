#!/usr/bin/env bash
# Seeds for fuzz_parquet: small files from the two independent writers the reader's tests use
# (tests/tools/write-parquet.mjs: hyparquet-writer and parquet-wasm, 150 rows in 3 row groups):
# data page v2 with dictionary, delta and byte-stream-split encodings (uncompressed, so
# mutations reach the encodings), data page v1 with dictionaries, and ZSTD pages.
# Needs node and tests/tools/install-node-packages.sh.
source "$(dirname "${BASH_SOURCE[0]}")/table-seed-helpers.sh"
corpus_for parquet
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
node "$ROOT/tests/tools/write-parquet.mjs" "$work" 150 >/dev/null
cp "$work/hyparquet-delta.parquet" "$CORPUS/seed-hyparquet-delta-v2.parquet"
cp "$work/arrow-rs-uncompressed-v1.parquet" "$CORPUS/seed-arrow-rs-v1.parquet"
cp "$work/arrow-rs-zstd-v2.parquet" "$CORPUS/seed-arrow-rs-zstd-v2.parquet"
check_sizes
