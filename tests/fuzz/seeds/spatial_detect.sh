#!/usr/bin/env bash
# Seeds for fuzz_spatial_detect: the first byte picks the name (0 .csv, 1 .tsv, 2 .csv.gz), the
# rest is a head of each real table kind detection knows (transcripts, outlines, cell table)
# and of the vendor tables it does not (Xenium, CosMx).
source "$(dirname "${BASH_SOURCE[0]}")/table-seed-helpers.sh"
corpus_for spatial_detect
seed() {  # seed NAME PICK < bytes
  { printf "\\x$(printf %02x "$2")"; cat; } >"$CORPUS/seed-$1"
}
head_lines "$DATA/vizgen_merscope_mouse_brain_mini/vizgen_transcripts.gz" 100 | seed vizgen 0
head_lines "$DATA/vizgen_merscope_mouse_brain_mini/vizgen_transcripts.gz" 60 | gzip -9n | seed vizgen-gz 2
head_lines "$DATA/vizgen_merscope_mouse_brain_mini/cell_boundaries/z0_polygons.gz" 100 | seed polygons 0
head -n 30 "$DATA/merfish_mop_zhang2021/MERFISH_dataset1_slice1.csv" | cut -d, -f1-20 | seed zhuang 0
head -n 30 "$DATA/merfish_mop_zhang2021/MERFISH_dataset1_slice1.csv" | cut -d, -f1-20 | tr , '\t' | seed zhuang-tsv 1
head -n 40 "$DATA/platform_fixtures/xenium_mouse_brain_tiny/sample1/transcripts.csv" | seed xenium 0
head -n 40 "$DATA/platform_fixtures/cosmx_human_lung_tiny/sample_2/tx_file.csv" | seed cosmx 0
check_sizes
