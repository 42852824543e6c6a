#!/usr/bin/env bash
# A paint document over a spot table records how its table is read (--columns, --pixel-um) and
# is read that way again: paint on it, replay it, generate --edits from it (and resume). Its
# generated chunks are those of the same edits painted over the demo's Vizgen reading. The
# table is the bundled demo's molecules as a pciSeq pipeline writes them (Gene, x, y in pixels
# of 0.1625 µm, plane_id), as tests/cli/spot_table.sh makes it.
# Usage: paint_spot_table.sh TERAMIND DEMO_DIR MODEL WORK_DIR
set -eu
teramind=$1 demo=$2 model=$3 work=$4
rm -rf "$work"
mkdir -p "$work"
# shellcheck source=spot_table_common.sh
. "$(dirname "$0")/spot_table_common.sh"
spots=$work/spots.csv
make_spot_table "$demo" "$spots"

flags=(--columns gene=Gene,x=x,y=y,z=plane_id --pixel-um 0.1625)
edit=(--gene Slc17a7 --disk 6650,4925,0,40 --scale 2)

# Without a map the table is not read: the layout is named with the flags that read it.
out=$("$teramind" paint "$spots" --doc "$work/none.json" "${edit[@]}" 2>&1) &&
  fail "paint without --columns succeeded"
printf '%s\n' "$out" | grep -q "looks like a pciSeq spot table" || fail "no layout hint: $out"

out=$("$teramind" paint "$spots" "${flags[@]}" --doc "$work/doc.json" "${edit[@]}")
printf '%s\n' "$out"
printf '%s\n' "$out" | grep -q "^edits: 1$" || fail "first edit: $out"
tr -d ' \n' <"$work/doc.json" | grep -q '"read":{"columns":"gene=Gene,x=x,y=y,z=plane_id","pixel_um":0.1625}' ||
  fail "the document does not record how its table is read: $(cat "$work/doc.json")"
# The same edit over the Vizgen reading of the same molecules: no "read" recorded.
"$teramind" paint "$demo" --doc "$work/vizgen.json" "${edit[@]}" >/dev/null
grep -q '"read"' "$work/vizgen.json" && fail "a document without read options records some"

# A second edit on the document needs no flags; flags on an existing document are refused.
out=$("$teramind" paint --doc "$work/doc.json" --gene Slc17a7 --disk 6700,4950,1,30 --add 1)
printf '%s\n' "$out" | grep -q "^edits: 2$" || fail "second edit: $out"
"$teramind" paint --doc "$work/vizgen.json" --gene Slc17a7 --disk 6700,4950,1,30 --add 1 >/dev/null
out=$("$teramind" paint "${flags[@]}" --doc "$work/doc.json" "${edit[@]}" 2>&1) &&
  fail "read flags on an existing document were taken"
printf '%s\n' "$out" | grep -q "already records how its data is read" || fail "no refusal: $out"

out=$("$teramind" replay "$work/doc.json")
printf '%s\n' "$out"
printf '%s\n' "$out" | grep -q "^identical: yes$" || fail "replay: $out"

# generate --edits reads the document's table as recorded, and resumes the same job.
gen=(--model "$model" --region 12,12,8,8 --tile-patches 2 --steps 2 --threads 2)
out=$("$teramind" generate --edits "$work/doc.json" "${gen[@]}" --out "$work/doc.zarr" 2>&1) ||
  fail "generate --edits: $out"
printf '%s\n' "$out" | grep -E "^(edits|tiles|region):"
printf '%s\n' "$out" | grep -q "^edits: 2 of 2 applied" || fail "edits not applied: $out"
tr -d ' \n' <"$work/doc.zarr/teramind-job.json" | grep -q '"columns":"gene=Gene,x=x,y=y,z=plane_id"' ||
  fail "the job file does not record the document's column map"
"$teramind" generate --edits "$work/vizgen.json" "${gen[@]}" --out "$work/vizgen.zarr" >/dev/null 2>&1 ||
  fail "generate --edits on the Vizgen document failed"
same_chunks "$work/vizgen.zarr" "$work/doc.zarr" "$work/files"
out=$("$teramind" generate --edits "$work/doc.json" "${gen[@]}" --out "$work/doc.zarr" 2>&1) ||
  fail "resume: $out"
printf '%s\n' "$out" | grep -q "^resumed: " || fail "not resumed: $out"
echo "PASS"
