#!/usr/bin/env bash
# A generic spot table read through --columns/--pixel-um gives what the Vizgen reading of the
# same molecules gives. The table is made here from the bundled demo's transcripts as an ISS or
# pciSeq pipeline writes one: Gene, x, y in pixels of 0.1625 µm (plus the plane, plane_id).
# Then: info (the same counts), bin (the same grid and binned molecules), generate on a small
# region (the same tiles, and the same bytes as the demo manifest's job), the flags' refusals.
# Usage: spot_table.sh TERAMIND DEMO_DIR MODEL WORK_DIR
set -eu
teramind=$1 demo=$2 model=$3 work=$4
rm -rf "$work"
mkdir -p "$work"
# shellcheck source=spot_table_common.sh
. "$(dirname "$0")/spot_table_common.sh"
spots=$work/spots.csv
make_spot_table "$demo" "$spots"

# The lines of `$1` (command output) matching the regex `$2`.
lines() { printf '%s\n' "$1" | grep -E -- "$2" || true; }
same() {  # same LABEL REGEX OUTPUT_A OUTPUT_B: the matching lines agree and exist
  local a b
  a=$(lines "$3" "$2") b=$(lines "$4" "$2")
  [ -n "$a" ] || fail "$1: no line matches $2"
  [ "$a" = "$b" ] || fail "$1: '$a' (Vizgen) vs '$b' (spot table)"
  echo "same $1: $a"
}
flags=(--columns gene=Gene,x=x,y=y,z=plane_id --pixel-um 0.1625)

# Without a map: the layout is named with the flags that read it.
out=$("$teramind" info "$spots" 2>&1) && fail "info without --columns succeeded"
printf '%s\n' "$out" | grep -q "looks like a pciSeq spot table (Gene, x, y in pixels): read it with --columns gene=Gene,x=x,y=y --pixel-um" ||
  fail "no layout hint: $out"
# A map without a pixel size: refused, saying what to give.
out=$("$teramind" info "$spots" --columns gene=Gene,x=x,y=y 2>&1) && fail "info without --pixel-um succeeded"
printf '%s\n' "$out" | grep -q "spots.csv: a spot table needs its pixel size: give --pixel-um" ||
  fail "no pixel-size refusal: $out"

vizgen=$("$teramind" info "$demo/vizgen_transcripts.gz")
table=$("$teramind" info "$spots" "${flags[@]}")
printf '%s\n' "$table"
printf '%s\n' "$table" | grep -q "^format: spot table" || fail "format not named"
for key in transcripts genes controls gene_transcripts control_transcripts planes top_genes; do
  same "info $key" "^$key: " "$vizgen" "$table"
done
# One plane when the map leaves z out.
flat=$("$teramind" info "$spots" --columns gene=Gene,x=x,y=y --pixel-um 0.1625)
[ "$(lines "$flat" '^planes: ')" = "planes: 1" ] || fail "without z: $(lines "$flat" '^planes: ')"

vizgen=$("$teramind" bin "$demo/vizgen_transcripts.gz" --bin-um 1.738024 --out "$work/vizgen.vdb")
table=$("$teramind" bin "$spots" "${flags[@]}" --bin-um 1.738024 --out "$work/spots.vdb")
printf '%s\n' "$table"
for key in grid_bins genes binned not_in_panel; do
  same "bin $key" "^$key: " "$vizgen" "$table"
done

# The demo manifest's molecules and the spot table's, generated on the same small region.
gen=(--model "$model" --region 12,12,8,8 --tile-patches 2 --steps 2 --threads 2)
vizgen=$("$teramind" generate --data "$demo" "${gen[@]}" --out "$work/vizgen.zarr" 2>&1)
table=$("$teramind" generate --data "$spots" "${flags[@]}" "${gen[@]}" --out "$work/spots.zarr" 2>&1)
printf '%s\n' "$table"
same "generate tiles" "^tiles: " "$vizgen" "$table"
same "generate region" "^region: " "$vizgen" "$table"
same "generate output" "^output: " "${vizgen//vizgen.zarr/X}" "${table//spots.zarr/X}"
# Every chunk the same bytes: the same condition (the stores' own metadata names the job).
same_chunks "$work/vizgen.zarr" "$work/spots.zarr" "$work/files"
grep -q '"columns":"gene=Gene,x=x,y=y,z=plane_id"' "$work/spots.zarr/teramind-job.json" ||
  fail "the job file does not record --columns"
# A resume with another pixel size is another job: refused before anything is touched.
out=$("$teramind" generate --data "$spots" --columns gene=Gene,x=x,y=y,z=plane_id --pixel-um 0.2 \
  "${gen[@]}" --out "$work/spots.zarr" 2>&1) && fail "a resume with another --pixel-um succeeded"
printf '%s\n' "$out" | grep -q "belongs to another job.*pixel um 0.1625 vs 0.2" ||
  fail "no refusal naming the pixel size: $out"
# The same flags resume it.
out=$("$teramind" generate --data "$spots" "${flags[@]}" "${gen[@]}" --out "$work/spots.zarr" 2>&1) ||
  fail "resume failed: $out"
echo "PASS"
