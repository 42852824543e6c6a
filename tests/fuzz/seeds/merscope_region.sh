#!/usr/bin/env bash
# Seeds for fuzz_merscope_region: the real MERSCOPE VPT region (mouse liver) cut small: the
# transcripts' first rows, the real µm → pixel transform and a 32 × 32 px crop of a real
# DAPI mosaic, as the target's three parts; also the region without its mosaic.
source "$(dirname "${BASH_SOURCE[0]}")/table-seed-helpers.sh"
corpus_for merscope_region
region="$DATA/platform_fixtures/merscope_vpt_mouse_liver"
tiff="$(mktemp)"
trap 'rm -f "$tiff"' EXIT
python3 "$ROOT/tests/fuzz/seeds/tiff-crop.py" "$region/images/mosaic_DAPI_z0.tif" "$tiff" 32 tiled
{
  head -n 80 "$region/detected_transcripts.csv"
  printf '%s' "$PART"
  cat "$region/images/micron_to_mosaic_pixel_transform.csv"
  printf '%s' "$PART"
  cat "$tiff"
} >"$CORPUS/seed-liver-region"
{
  head -n 80 "$region/detected_transcripts.csv"
  printf '%s' "$PART"
  cat "$region/images/micron_to_mosaic_pixel_transform.csv"
} >"$CORPUS/seed-liver-no-mosaic"
check_sizes
