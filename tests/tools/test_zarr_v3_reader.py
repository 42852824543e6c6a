#!/usr/bin/env python3
"""The sharded output against an independent Zarr v3 reader: one job written as v3 (NGFF 0.5,
sharding codec) and as v2 (NGFF 0.4); zarrita (node) reads every level of the v3 store and
python3-zarr every level of the v2 one, and the two must be the same arrays byte for byte.
Also prints the files per level of each layout.

usage: test_zarr_v3_reader.py TERAMIND MODEL WORKDIR
Exits 77 (skipped) when node or zarrita is absent: tests/tools/install-node-packages.sh
installs zarrita.
"""
import hashlib
import pathlib
import shutil
import subprocess
import sys

import zarr

SKIP = 77
teramind, model, work = sys.argv[1], sys.argv[2], pathlib.Path(sys.argv[3])
reader = pathlib.Path(__file__).with_name("read_zarr_v3.mjs")
node = shutil.which("node")
if not node:
    print("skipped: node is not installed (Debian: apt-get install nodejs npm)")
    sys.exit(SKIP)
probe = subprocess.run([node, str(reader)], capture_output=True, text=True)
if probe.returncode == 3:
    print("skipped:", probe.stderr.strip())
    sys.exit(SKIP)

shutil.rmtree(work, ignore_errors=True)
work.mkdir(parents=True)
base = [teramind, "generate", "--model", model, "--tile-patches", "2", "--steps", "2",
        "--region", "0,0,24,20", "--seed", "11"]
for layout in ("v3", "v2"):
    p = subprocess.run(base + ["--layout", layout, "--out", str(work / f"{layout}.zarr")],
                       capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"generate --layout {layout} failed:\n{p.stdout}\n{p.stderr}")
    print([l for l in p.stdout.splitlines() if l.startswith(("output:", "layout:"))])
    root = work / f"{layout}.zarr"
    counts = {d.name: sum(1 for f in d.rglob("*") if f.is_file())
              for d in sorted(root.iterdir()) if d.is_dir()}
    print(f"files_per_level_{layout}:", counts)

p = subprocess.run([node, str(reader), str(work / "v3.zarr")], capture_output=True, text=True)
if p.returncode != 0:
    sys.exit(f"zarrita could not read the v3 store:\n{p.stdout}\n{p.stderr}")
print(p.stdout, end="")
v3 = [l for l in p.stdout.splitlines() if l.startswith("level ")]
assert "ngff: 0.5" in p.stdout and "axes: c,z,y,x" in p.stdout, p.stdout

g = zarr.open_group(str(work / "v2.zarr"), mode="r")
v2 = []
for d in g.attrs["multiscales"][0]["datasets"]:
    a = g[d["path"]][:]
    v2.append(f"level {d['path']}: shape {','.join(map(str, a.shape))} "
              f"sha256 {hashlib.sha256(a.tobytes()).hexdigest()}")
assert len(v3) >= 2 and v3 == v2, f"zarrita (v3) and python3-zarr (v2) differ:\n{v3}\n{v2}"
level0 = g["0"][:]
assert level0.std() > 1, "blank output"
print(f"zarrita v3 == python3-zarr v2 on {len(v3)} levels")
