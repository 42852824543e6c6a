#!/usr/bin/env bash
# Seeds for fuzz_ontology_json: the real Allen structure graph pruned to its first levels
# (each seed a valid ontology), and the bundled one's head cut off mid-object.
source "$(dirname "${BASH_SOURCE[0]}")/table-seed-helpers.sh"
corpus_for ontology_json
for depth in 3 5; do
  python3 - "$DATA/allen_ccf_v3/ara_ontology.json" "$CORPUS/seed-depth$depth.json" "$depth" <<'PY'
import json, sys
graph = json.load(open(sys.argv[1]))
def prune(node, depth, width):
    node = dict(node)
    node["children"] = [prune(c, depth - 1, width) for c in node.get("children", [])[:width]] if depth > 0 else []
    return node
root = graph["msg"] if isinstance(graph, dict) and "msg" in graph else graph
width = 4
while True:
    pruned = [prune(r, int(sys.argv[3]), width) for r in (root if isinstance(root, list) else [root])]
    text = json.dumps({"msg": pruned} if isinstance(graph, dict) and "msg" in graph else pruned[0], indent=1)
    if len(text) <= 60000 or width == 1: break
    width -= 1
open(sys.argv[2], "w").write(text)
PY
done
head -c 8000 "$ROOT/resources/atlas/ara_ontology.json" >"$CORPUS/seed-cut.json"
check_sizes
