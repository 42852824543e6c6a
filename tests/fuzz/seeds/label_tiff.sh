#!/usr/bin/env bash
# Seeds for fuzz_label_tiff: crops of the real CosMx CellLabels image of FOV 1 (human lung) in
# the label TIFF kinds the reader takes: 32-bit float LZW (as CosMx writes it), 16-bit unsigned
# uncompressed, 32-bit unsigned deflate (label-crop.py).
source "$(dirname "${BASH_SOURCE[0]}")/table-seed-helpers.sh"
corpus_for label_tiff
labels="$DATA/platform_fixtures/cosmx_human_lung_tiny/sample_1/CellLabels/CellLabels_F001.tif"
crop="$ROOT/tests/fuzz/seeds/label-crop.py"
/usr/bin/python3 "$crop" "$labels" "$CORPUS/seed-float-lzw.tif" 64 float-lzw
/usr/bin/python3 "$crop" "$labels" "$CORPUS/seed-uint16-raw.tif" 48 uint16-raw
/usr/bin/python3 "$crop" "$labels" "$CORPUS/seed-uint32-deflate.tif" 64 uint32-deflate
check_sizes
