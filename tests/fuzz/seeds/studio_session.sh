#!/usr/bin/env bash
# Seeds for fuzz_studio_session: sessions as StudioSession::save writes them (version 2, with and
# without camera; and a version-1 one), naming the real bundled demo, model, atlas and panel.
source "$(dirname "${BASH_SOURCE[0]}")/table-seed-helpers.sh"
corpus_for studio_session
python3 - "$ROOT" "$CORPUS" <<'PY'
import json, sys
root, out = sys.argv[1], sys.argv[2]
base = {"format": "teramind-studio-session", "version": 2, "atlas": root + "/resources/atlas",
        "atlas_resolution_um": 100, "dataset": root + "/resources/demo/vizgen_mini/dataset.json",
        "model": root + "/resources/models/demo.safetensors", "structure": "CA1",
        "panel": ["Slc17a7", "Gad1", "Mlc1", "Gprc5b"], "overlay_gene": "Slc17a7",
        "condition": "", "job": {"seed": 7, "steps": 15, "tile_patches": 4, "plane": 0,
        "region": "demo-block", "all_planes": False, "output": "/tmp/job.ome.zarr"},
        "attention": True}
open(out + "/seed-session.json", "w").write(json.dumps(base, indent=2))
cam = dict(base, camera={"position": [6650, 4925, -900], "focal_point": [6650, 4925, 1],
           "view_up": [0, -1, 0], "view_angle": 30})
open(out + "/seed-camera.json", "w").write(json.dumps(cam, indent=2))
v1 = dict(base, version=1); v1["job"] = dict(base["job"], region=0)
open(out + "/seed-version1.json", "w").write(json.dumps(v1, indent=2))
PY
check_sizes
