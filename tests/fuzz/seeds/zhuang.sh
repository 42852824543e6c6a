#!/usr/bin/env bash
# Seeds for fuzz_zhuang: heads of the four real Zhuang-lab MERFISH slices (first gene columns).
source "$(dirname "${BASH_SOURCE[0]}")/table-seed-helpers.sh"
corpus_for zhuang
for slice in 1 10 200 21; do
  head -n 60 "$DATA/merfish_mop_zhang2021/MERFISH_dataset1_slice$slice.csv" | cut -d, -f1-24 \
    >"$CORPUS/seed-slice$slice.csv"
done
check_sizes
