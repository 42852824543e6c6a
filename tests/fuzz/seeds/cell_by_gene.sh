#!/usr/bin/env bash
# Seeds for fuzz_cell_by_gene: heads of real cell × gene tables (Zhuang-lab MERFISH), the
# first gene columns only, plus the centre_x/x column variants on the same rows.
source "$(dirname "${BASH_SOURCE[0]}")/table-seed-helpers.sh"
corpus_for cell_by_gene
zhuang="$DATA/merfish_mop_zhang2021/MERFISH_dataset1_slice1.csv"
head -n 40 "$zhuang" | cut -d, -f1-30 >"$CORPUS/seed-zhuang-30-genes.csv"
head -n 8 "$zhuang" >"$CORPUS/seed-zhuang-all-genes.csv"
head -n 40 "$zhuang" | cut -d, -f1-12 | sed '1s/pos_x,pos_y/center_x,center_y/' >"$CORPUS/seed-center.csv"
head -n 40 "$zhuang" | cut -d, -f1-12 | sed '1s/pos_x,pos_y/x,y/' | gzip -9n >"$CORPUS/seed-xy.csv.gz"
check_sizes
