#!/usr/bin/env bash
# Seeds for fuzz_condition_document (and paint_edits): a real document made by `teramind
# paint` on the bundled demo (disk, region, polygon and sphere edits; set/add/scale/knockout/
# copy), its edits one per paint_edits seed.
source "$(dirname "${BASH_SOURCE[0]}")/table-seed-helpers.sh"
CLI="${TERAMIND_CLI:-$ROOT/build/default/app/teramind}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
demo="$ROOT/resources/demo/vizgen_mini/dataset.json"
doc="$work/painted.json"
"$CLI" paint "$demo" --doc "$doc" --gene Slc17a7 --disk 6650,4925,0,40 --soft 0.5 --add 2 >/dev/null
"$CLI" paint --doc "$doc" --gene Slc17a7 --region CA1 --scale 0.5 >/dev/null
"$CLI" paint --doc "$doc" --gene Gad1 --polygon "6600,4900 6700,4900 6650,5000" --knockout >/dev/null
"$CLI" paint --doc "$doc" --gene Slc17a7 --sphere 6650,4925,0,30 --copy-from Gad1 --offset 1,0,0 >/dev/null
"$CLI" paint --doc "$doc" --gene Gad1 --disk 6640,4930,1,25 --set 3 >/dev/null
corpus_for condition_document
cp "$doc" "$CORPUS/seed-painted.json"
corpus_for paint_edits
python3 - "$doc" "$CORPUS" <<'PY'
import json, sys
for i, edit in enumerate(json.load(open(sys.argv[1]))["edits"]):
    open(f"{sys.argv[2]}/seed-edit{i + 1}.json", "w").write(json.dumps(edit))
PY
check_sizes
