#!/usr/bin/env bash
# Seeds for fuzz_spatialdata: a small SpatialData store written as spatialdata writes one
# (python3-zarr for the attributes and the image, hyparquet-writer for the Parquet; the
# tests' writers in tests/tools), cut into the target's parts: root, points and shapes
# attributes and Parquet, the image's attributes, array header and one chunk. One seed with a
# raw chunk and an affine map, one with a blosc chunk, a sequence and circles.
# Needs python3-zarr, node and tests/tools/install-node-packages.sh.
source "$(dirname "${BASH_SOURCE[0]}")/table-seed-helpers.sh"
corpus_for spatialdata
tools="$ROOT/tests/tools"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
WORK="$work" /usr/bin/python3 - <<'PY'
import json, os, struct
work = os.environ["WORK"]
def axes(names):
    return [{"name": n, "type": "channel" if n == "c" else "space",
             **({} if n == "c" else {"unit": "micrometer"})} for n in names]
def to_global(t, names):
    return {**t, "input": {"name": "intrinsic", "axes": axes(names)},
            "output": {"name": "global", "axes": axes(names)}}
def wkb_polygon(ring):
    ring = ring + [ring[0]]
    return (b"\x01" + struct.pack("<III", 3, 1, len(ring)) +
            b"".join(struct.pack("<dd", x, y) for x, y in ring)).hex()
maps = {
    "raw": (to_global({"type": "affine", "affine": [[0.5, 0, 10], [0, 0.5, -4]]}, "xy"),
            to_global({"type": "scale", "scale": [1, 0.5, 0.5]}, "cyx")),
    "blosc": (to_global({"type": "sequence", "transformations": [
                  {"type": "scale", "scale": [2, 2]},
                  {"type": "translation", "translation": [1, 1]}]}, "xy"),
              to_global({"type": "identity"}, "cyx")),
}
for name, (points_map, image_map) in maps.items():
    root = f"{work}/{name}.zarr"
    zarr_spec = {"root": root, "root_attrs": {"spatialdata_attrs": {"version": "0.1"}},
        "groups": [
            {"path": "points/transcripts", "attrs": {"encoding-type": "ngff:points",
             "axes": ["x", "y"], "coordinateTransformations": [points_map],
             "spatialdata_attrs": {"version": "0.1", "feature_key": "gene"}}},
            {"path": "shapes/cells", "attrs": {"encoding-type": "ngff:shapes", "axes": ["x", "y"],
             "coordinateTransformations": [points_map], "spatialdata_attrs": {"version": "0.2"}}}],
        "images": [{"path": "images/morphology", "shape": [2, 8, 8], "chunks": [1, 8, 8],
            "compressor": "none" if name == "raw" else "blosc",
            "attrs": {"multiscales": [{"axes": axes("cyx"), "datasets": [{"path": "0",
                "coordinateTransformations": [{"type": "scale", "scale": [1, 1, 1]}]}],
                "coordinateTransformations": [image_map]}],
                "omero": {"channels": [{"label": "DAPI"}, {"label": "PolyT"}]}}}]}
    genes = ["Slc17a7", "Gad1", "Blank-1", "Aqp4"] * 5
    geometry = [wkb_polygon([(0, 0), (4, 0), (4, 3)]),
                "0101000000" + struct.pack("<dd", 6, 6).hex()]
    shapes_columns = [{"name": "geometry", "type": "BYTE_ARRAY", "hex": True, "data": geometry}]
    if name == "blosc":
        shapes_columns.append({"name": "radius", "type": "DOUBLE", "data": [1.0, 2.0]})
    parquet_spec = [
        {"file": f"{root}/points/transcripts/points.parquet/part.0.parquet", "rowGroupSize": 8,
         "codec": "UNCOMPRESSED",
         "columns": [{"name": "x", "type": "DOUBLE", "data": [i * 1.5 for i in range(20)]},
                     {"name": "y", "type": "DOUBLE", "data": [i * 0.5 for i in range(20)]},
                     {"name": "gene", "type": "STRING", "data": genes}]},
        {"file": f"{root}/shapes/cells/shapes.parquet", "codec": "UNCOMPRESSED",
         "columns": shapes_columns}]
    json.dump(zarr_spec, open(f"{work}/{name}-zarr.json", "w"))
    json.dump(parquet_spec, open(f"{work}/{name}-parquet.json", "w"))
PY
for name in raw blosc; do
  /usr/bin/python3 "$tools/write_spatialdata_zarr.py" "$work/$name-zarr.json"
  (cd "$tools" && node write-spatialdata-parquet.mjs "$work/$name-parquet.json")
  s="$work/$name.zarr"
  {
    cat "$s/.zattrs"
    printf '%s' "$PART"
    cat "$s/points/transcripts/.zattrs"
    printf '%s' "$PART"
    cat "$s/points/transcripts/points.parquet/part.0.parquet"
    printf '%s' "$PART"
    cat "$s/shapes/cells/.zattrs"
    printf '%s' "$PART"
    cat "$s/shapes/cells/shapes.parquet"
    printf '%s' "$PART"
    cat "$s/images/morphology/.zattrs"
    printf '%s' "$PART"
    cat "$s/images/morphology/0/.zarray"
    printf '%s' "$PART"
    cat "$s/images/morphology/0/0/0/0"
  } >"$CORPUS/seed-$name"
done
check_sizes
