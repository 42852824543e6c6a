#!/usr/bin/env bash
# Seeds for fuzz_loom: the test suite's tiny loom (the real osmFISH loom is 1.1 MB, above the
# target's input bound).
source "$(dirname "${BASH_SOURCE[0]}")/hdf5-seed-helpers.sh"
corpus_for loom
cp "$ROOT/tests/data/h5ad/tiny.loom" "$CORPUS/seed-tiny.loom"
check_sizes
