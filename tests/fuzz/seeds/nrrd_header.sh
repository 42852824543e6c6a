#!/usr/bin/env bash
# Seeds for fuzz_nrrd_header: 12³ crops of the real Allen CCF volumes with their own headers,
# gzip and raw, and the first 16 KiB of a real file as it comes (header, then cut-off data).
source "$(dirname "${BASH_SOURCE[0]}")/table-seed-helpers.sh"
corpus_for nrrd_header
self="$(dirname "${BASH_SOURCE[0]}")"
python3 "$self/volume-seeds.py" nrrd "$DATA/allen_ccf_v3/annotation_100.nrrd" "$CORPUS/seed-annotation-gzip.nrrd" 12 gzip
python3 "$self/volume-seeds.py" nrrd "$DATA/allen_ccf_v3/average_template_100.nrrd" "$CORPUS/seed-template-raw.nrrd" 10 raw
head -c 16384 "$DATA/allen_ccf_v3/annotation_50.nrrd" >"$CORPUS/seed-annotation50-head.nrrd"
check_sizes
