#!/usr/bin/env bash
# Seeds for fuzz_condition_h5 and fuzz_condition_vdb: real transcripts (the first rows of the
# Vizgen mouse-brain crop) and a Zhuang-lab cell table, binned by `teramind bin`.
source "$(dirname "${BASH_SOURCE[0]}")/hdf5-seed-helpers.sh"
ext="${CONDITION_EXT:-h5}"
corpus_for "condition_$ext"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# Three genes only: an OpenVDB condition holds one grid per gene.
head_lines "$DATA/vizgen_merscope_mouse_brain_mini/vizgen_transcripts.gz" 2000 |
  awk -F, 'NR == 1 || $3 == "Mlc1" || $3 == "Gprc5b" || $3 == "Slc17a7"' >"$work/detected_transcripts.csv"
head -n 30 "$DATA/merfish_mop_zhang2021/MERFISH_dataset1_slice1.csv" | cut -d, -f1-8 >"$work/cells.csv"
"$CLI" bin "$work/detected_transcripts.csv" --bin-um 20 --out "$CORPUS/seed-transcripts.$ext" >/dev/null
"$CLI" bin "$work/cells.csv" --bin-um 100 --out "$CORPUS/seed-cells.$ext" >/dev/null
check_sizes
