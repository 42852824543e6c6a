#!/usr/bin/env bash
# Seeds for fuzz_h5ad: the test suite's h5ad files (dense, CSR, CSC, and the two it must refuse).
source "$(dirname "${BASH_SOURCE[0]}")/hdf5-seed-helpers.sh"
corpus_for h5ad
for f in dense csr csc bad_indices negative; do
  cp "$ROOT/tests/data/h5ad/$f.h5ad" "$CORPUS/seed-$f.h5ad"
done
check_sizes
