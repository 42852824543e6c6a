#!/usr/bin/env bash
# Seeds for fuzz_tiff_header: crops of real MERSCOPE mosaics (tiled and striped), via
# tiff-crop.py (E2's, shared with morphology_tiff).
source "$(dirname "${BASH_SOURCE[0]}")/table-seed-helpers.sh"
corpus_for tiff_header
self="$(dirname "${BASH_SOURCE[0]}")"
images="$DATA/platform_fixtures/merscope_vpt_mouse_liver/images"
python3 "$self/tiff-crop.py" "$images/mosaic_DAPI_z0.tif" "$CORPUS/seed-dapi-tiled.tif" 64 tiled
python3 "$self/tiff-crop.py" "$images/mosaic_Cellbound1_z3.tif" "$CORPUS/seed-cellbound-striped.tif" 48 striped
check_sizes
