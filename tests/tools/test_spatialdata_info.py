#!/usr/bin/env python3
"""`teramind info` and `teramind bin` on a SpatialData store built as spatialdata writes one:
Zarr attributes and an OME-Zarr image by python3-zarr (write_spatialdata_zarr.py), points and
shapes Parquet by hyparquet-writer (write-spatialdata-parquet.mjs). Checks the lines info
prints (the coordinate system, the unit note, counts, stains, boundaries) and that binning
keeps every gene molecule.

usage: test_spatialdata_info.py TERAMIND WORKDIR
Exits 77 (skipped) without node or hyparquet-writer (tests/tools/install-node-packages.sh).
"""
import json
import pathlib
import re
import shutil
import subprocess
import sys

SKIP = 77
teramind, work = sys.argv[1], pathlib.Path(sys.argv[2])
tools = pathlib.Path(__file__).parent
node = shutil.which("node")
if not node or not (tools / "node_modules" / "hyparquet-writer").is_dir():
    print("skipped: node or hyparquet-writer is missing (tests/tools/install-node-packages.sh)")
    sys.exit(SKIP)

shutil.rmtree(work, ignore_errors=True)
work.mkdir(parents=True)
store = work / "section.zarr"


def axes(names, unit):
    return [{"name": n, "type": "channel" if n == "c" else "space",
             **({"unit": unit} if unit and n != "c" else {})} for n in names]


def to_global(t, names, unit):
    return {**t, "input": {"name": "intrinsic", "axes": axes(names, unit)},
            "output": {"name": "global", "axes": axes(names, unit)}}


# Molecules in pixels of 0.2 units, the image at 0.5 units a pixel from (4, 3); "unit" is
# SpatialData's default, which names no length.
points_map = to_global({"type": "scale", "scale": [0.2, 0.2]}, "xy", "unit")
image_map = to_global({"type": "sequence", "transformations": [
    {"type": "scale", "scale": [1.0, 0.5, 0.5]},
    {"type": "translation", "translation": [0.0, 3.0, 4.0]}]}, "cyx", "unit")
zarr_spec = {
    "root": str(store),
    "root_attrs": {"spatialdata_attrs": {"version": "0.1"}},
    "groups": [
        {"path": "points/transcripts", "attrs": {
            "encoding-type": "ngff:points", "axes": ["x", "y"],
            "coordinateTransformations": [points_map],
            "spatialdata_attrs": {"version": "0.1", "feature_key": "feature_name"}}},
        {"path": "shapes/cell_circles", "attrs": {
            "encoding-type": "ngff:shapes", "axes": ["x", "y"],
            "coordinateTransformations": [points_map],
            "spatialdata_attrs": {"version": "0.2"}}},
    ],
    "images": [{"path": "images/morphology_focus", "shape": [1, 40, 60], "chunks": [1, 16, 16],
                "attrs": {"multiscales": [{
                    "axes": axes("cyx", None),
                    "datasets": [{"path": "0", "coordinateTransformations": [
                        {"type": "scale", "scale": [1.0, 1.0, 1.0]}]}],
                    "coordinateTransformations": [image_map]}],
                    "omero": {"channels": [{"label": "DAPI"}]}}}],
}
genes = ["Slc17a7", "Gad1", "Blank-3", "Aqp4"] * 6
xs = [40 + 7 * i for i in range(len(genes))]
ys = [30 + 3 * i for i in range(len(genes))]
point = "0101000000" + "0000000000005940" + "0000000000005940"  # POINT (100 100)
parquet_spec = [
    {"file": str(store / "points/transcripts/points.parquet" / f"part.{k}.parquet"),
     "rowGroupSize": 5,
     "columns": [{"name": "x", "type": "DOUBLE", "data": xs[k * 12:(k + 1) * 12]},
                 {"name": "y", "type": "DOUBLE", "data": ys[k * 12:(k + 1) * 12]},
                 {"name": "feature_name", "type": "STRING", "data": genes[k * 12:(k + 1) * 12]}]}
    for k in range(2)] + [
    {"file": str(store / "shapes/cell_circles/shapes.parquet"),
     "columns": [{"name": "geometry", "type": "BYTE_ARRAY", "hex": True, "data": [point]},
                 {"name": "radius", "type": "DOUBLE", "data": [10.0]}]}]
(work / "zarr.json").write_text(json.dumps(zarr_spec))
(work / "parquet.json").write_text(json.dumps(parquet_spec))
subprocess.run(["/usr/bin/python3", str(tools / "write_spatialdata_zarr.py"),
                str(work / "zarr.json")], check=True)
subprocess.run([node, "write-spatialdata-parquet.mjs", str(work / "parquet.json")], cwd=tools,
               check=True)

info = subprocess.run([teramind, "info", str(store)], capture_output=True, text=True)
print(info.stdout, info.stderr, end="")
assert info.returncode == 0, "info failed"
expected = [
    r"^format: SpatialData Zarr store$",
    r"^note: points element 'transcripts' ",
    r"^note: coordinate system 'global' \(the store has: global\)$",
    r"^note: coordinate system 'global' names no length unit \(unit\): read as µm$",
    r"^transcripts: 24$", r"^genes: 3$", r"^controls: 1$", r"^control_transcripts: 6$",
    r"^extent_um: x 8\.000 \.\. 40\.200, y 6\.000 \.\. 19\.800$",
    r"^stain: DAPI plane 0 morphology_focus \(60 x 40 px, 8-bit, 0\.5000 um/px\)$",
    r"^mosaic_extent_um: x 4\.00\.\.34\.00 y 3\.00\.\.23\.00",
    r"^boundaries: cell_circles cell_circles$",
]
for pattern in expected:
    assert re.search(pattern, info.stdout, re.M), f"info lacks {pattern}"

binned = work / "section.vdb"
out = subprocess.run([teramind, "bin", str(store), "--out", str(binned), "--bin-um", "1"],
                     capture_output=True, text=True)
print(out.stdout, out.stderr, end="")
assert out.returncode == 0, "bin failed"
assert re.search(r"^binned: 18$", out.stdout, re.M), "binning lost or added molecules"
assert re.search(r"^not_in_panel: 6$", out.stdout, re.M), "the controls were binned"
print("ok")
