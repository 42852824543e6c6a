#!/usr/bin/env bash
# Seeds for fuzz_morphology_tiff: crops of a real MERSCOPE DAPI mosaic (16-bit), tiled and
# striped, each with the real µm → pixel transform as the second part.
source "$(dirname "${BASH_SOURCE[0]}")/table-seed-helpers.sh"
corpus_for morphology_tiff
images="$DATA/platform_fixtures/merscope_vpt_mouse_liver/images"
tiff="$(mktemp)"
trap 'rm -f "$tiff"' EXIT
for layout in tiled striped; do
  for source in mosaic_DAPI_z0 mosaic_Cellbound1_z3; do
    python3 "$ROOT/tests/fuzz/seeds/tiff-crop.py" "$images/$source.tif" "$tiff" 48 "$layout"
    { cat "$tiff"; printf '%s' "$PART"; cat "$images/micron_to_mosaic_pixel_transform.csv"; } \
      >"$CORPUS/seed-$source-$layout"
  done
done
check_sizes
