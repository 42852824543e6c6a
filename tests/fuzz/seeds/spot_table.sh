#!/usr/bin/env bash
# Seeds for fuzz_spot_table: a column map, then a spot table (parts). Real tables read through
# a map (MERSCOPE VPT and Xenium transcripts, first rows), and written pciSeq, Baysor and
# proseg layouts (their documented columns; values from the MERSCOPE rows), comma and tab.
source "$(dirname "${BASH_SOURCE[0]}")/table-seed-helpers.sh"
corpus_for spot_table
merscope="$DATA/platform_fixtures/merscope_vpt_mouse_liver/detected_transcripts.csv"
xenium="$DATA/platform_fixtures/xenium_mouse_brain_tiny/sample1/transcripts.csv"
{
  printf 'gene=gene,x=global_x,y=global_y,z=global_z%s' "$PART"
  head -n 150 "$merscope"
} >"$CORPUS/seed-merscope-map"
{
  printf 'gene=feature_name,x=x_location,y=y_location%s' "$PART"
  head -n 150 "$xenium"
} >"$CORPUS/seed-xenium-map"
# The MERSCOPE rows' gene, x, y, z as each layout's columns.
{
  printf 'gene=Gene,x=x,y=y,z=z_plane%s' "$PART"
  printf 'Gene\tx\ty\tz_plane\n'
  head -n 80 "$merscope" | tail -n +2 | awk -F, -v OFS='\t' '{ print $(NF-1), $3, $4, $5 }'
} >"$CORPUS/seed-pciseq-tsv"
{
  printf 'gene=gene,x=x,y=y%s' "$PART"
  printf 'transcript_id,cell,gene,x,y,z,confidence\n'
  head -n 80 "$merscope" | tail -n +2 | awk -F, -v OFS=',' '{ print NR, "", $(NF-1), $3, $4, $5 * 1.5, 0.9 }'
} >"$CORPUS/seed-baysor-csv"
{
  printf 'gene=gene,x=x,y=y%s' "$PART"
  {
    printf 'gene,x,y,z,observed_x,observed_y,observed_z,assignment\n'
    head -n 60 "$merscope" | tail -n +2 | awk -F, -v OFS=',' '{ print $(NF-1), $3, $4, $5, $3, $4, $5, 4294967295 }'
  } | gzip -9n
} >"$CORPUS/seed-proseg-gzip"
check_sizes
