#!/usr/bin/env bash
# Seeds for fuzz_vizgen_transcripts: heads of real detected-transcripts tables, plain and gzip.
source "$(dirname "${BASH_SOURCE[0]}")/table-seed-helpers.sh"
corpus_for vizgen_transcripts
head_lines "$DATA/vizgen_merscope_mouse_brain_mini/vizgen_transcripts.gz" 200 >"$CORPUS/seed-mouse-brain.csv"
head_lines "$DATA/vizgen_merscope_mouse_brain_mini/vizgen_transcripts.gz" 100 | gzip -9n >"$CORPUS/seed-mouse-brain.csv.gz"
head_lines "$DATA/platform_fixtures/merscope_vpt_mouse_liver/detected_transcripts.csv" 120 >"$CORPUS/seed-liver-vpt.csv"
check_sizes
