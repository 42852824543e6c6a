#!/usr/bin/env bash
# Seeds for fuzz_dataset_json: the bundled demo's real dataset.json (its transcripts renamed to
# the target's transcripts.csv, images dropped or kept) and the first rows of its transcripts.
source "$(dirname "${BASH_SOURCE[0]}")/table-seed-helpers.sh"
corpus_for dataset_json
rows="$(head_lines "$ROOT/resources/demo/vizgen_mini/vizgen_transcripts.gz" 200)"
manifest="$ROOT/resources/demo/vizgen_mini/dataset.json"
{ sed 's/"vizgen_transcripts.gz"/"transcripts.csv"/' "$manifest"; printf '%s' "$PART"; printf '%s\n' "$rows"; } >"$CORPUS/seed-demo.bin"
{ sed 's/"vizgen_transcripts.gz"/"transcripts.csv"/' "$manifest" | python3 -c 'import json,sys; j=json.load(sys.stdin); j.pop("images"); print(json.dumps(j, indent=1))'; printf '%s' "$PART"; printf '%s\n' "$rows"; } >"$CORPUS/seed-no-images.bin"
check_sizes
