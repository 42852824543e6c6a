#!/usr/bin/env bash
# Seeds for fuzz_cell_polygons: the first outlines of the real Vizgen polygon files. The first
# byte picks the y convention (odd: negated), so the seeds begin with a plain 'x' (even).
source "$(dirname "${BASH_SOURCE[0]}")/table-seed-helpers.sh"
corpus_for cell_polygons
head_lines "$DATA/vizgen_merscope_mouse_brain_mini/cell_boundaries/z0_polygons.gz" 300 >"$CORPUS/seed-z0.csv"
head_lines "$DATA/vizgen_merscope_mouse_brain_mini/cell_boundaries/z1_polygons.gz" 150 | gzip -9n >"$CORPUS/seed-z1.csv.gz"
check_sizes
