"""Writes the Zarr side of a SpatialData store for tests/core/SpatialDataStoreTest.cpp with
python3-zarr (v2, as spatialdata before 0.4 wrote stores): group attributes, and OME-Zarr
image arrays whose pixels follow a formula the test recomputes. Usage:
    /usr/bin/python3 write_spatialdata_zarr.py SPEC.json
SPEC: {"root": PATH, "root_attrs": {...},
       "groups": [{"path": "points/transcripts", "attrs": {...}}],
       "images": [{"path": "images/morphology", "attrs": {...}, "shape": [c, h, w],
                   "chunks": [1, 5, 7], "dtype": "uint8", "compressor": "none"}]}
Pixel (c, y, x) of an image is (c * 50 + y * 3 + x) % 256 for uint8 and
(c * 1000 + y * 30 + x * 7) % 65536 for uint16; a shape [c, z, h, w] adds z * 20 (uint8).
"""
import json
import sys

import numpy as np
import zarr


def main():
    spec = json.load(open(sys.argv[1]))
    root = zarr.open_group(spec["root"], mode="w")
    root.attrs.update(spec.get("root_attrs", {}))
    for g in spec.get("groups", []):
        group = root.require_group(g["path"])
        group.attrs.update(g["attrs"])
    for image in spec.get("images", []):
        group = root.require_group(image["path"])
        if len(image["shape"]) == 4:
            c, d, h, w = image["shape"]
            cc, zz, yy, xx = np.meshgrid(np.arange(c), np.arange(d), np.arange(h), np.arange(w),
                                         indexing="ij")
            pixels = ((cc * 50 + zz * 20 + yy * 3 + xx) % 256).astype(np.uint8)
        else:
            c, h, w = image["shape"]
            cc, yy, xx = np.meshgrid(np.arange(c), np.arange(h), np.arange(w), indexing="ij")
            if image.get("dtype", "uint8") == "uint8":
                pixels = ((cc * 50 + yy * 3 + xx) % 256).astype(np.uint8)
            else:
                pixels = ((cc * 1000 + yy * 30 + xx * 7) % 65536).astype(np.uint16)
        # "compressor": "none" writes raw chunks; by default python3-zarr's (blosc lz4).
        extra = {"compressor": None} if image.get("compressor") == "none" else {}
        group.create_dataset("0", data=pixels, chunks=tuple(image["chunks"]),
                             dimension_separator="/", **extra)
        group.attrs.update(image["attrs"])


if __name__ == "__main__":
    main()
