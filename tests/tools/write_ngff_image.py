"""Writes an NGFF 0.4 multiscale image (Zarr v2) with python3-zarr, as other tools
(ome-zarr-py) lay one out, for tests/sectionview/NgffPyramidSourceTest.cpp. Usage:
    /usr/bin/python3 write_ngff_image.py GROUP UNIT
Axes c, y, x (unit UNIT on y and x); 2 channels labelled "DAPI" and "PolyT" (omero);
3 levels of uint16, level 0 250 x 330 px, chunks 1 x 100 x 100; level l: scale
[1, 0.5 * 2**l, 0.5 * 2**l], translation [0, 7 + 0.25 * 2**l, 3 + 0.25 * 2**l] (pixel
centres), sides ceil(side / 2**l). Pixel (c, y, x) of level l is
(c * 1000 + l * 5000 + y * 30 + x * 7) % 65536, which the test recomputes.
"""
import sys

import numpy as np
import zarr


def main():
    path, unit = sys.argv[1], sys.argv[2]
    group = zarr.open_group(path, mode="w")
    height, width = 250, 330
    datasets = []
    for level in range(3):
        h, w = -(-height // 2**level), -(-width // 2**level)
        cc, yy, xx = np.meshgrid(np.arange(2), np.arange(h), np.arange(w), indexing="ij")
        pixels = ((cc * 1000 + level * 5000 + yy * 30 + xx * 7) % 65536).astype(np.uint16)
        group.create_dataset(str(level), data=pixels, chunks=(1, 100, 100),
                             dimension_separator="/")
        px = 0.5 * 2**level
        datasets.append({"path": str(level), "coordinateTransformations": [
            {"type": "scale", "scale": [1.0, px, px]},
            {"type": "translation", "translation": [0.0, 7 + px / 2, 3 + px / 2]}]})
    axes = [{"name": "c", "type": "channel"},
            {"name": "y", "type": "space", "unit": unit},
            {"name": "x", "type": "space", "unit": unit}]
    group.attrs["multiscales"] = [{"version": "0.4", "name": "stains", "axes": axes,
                                   "datasets": datasets}]
    group.attrs["omero"] = {"channels": [{"label": "DAPI"}, {"label": "PolyT"}]}


if __name__ == "__main__":
    main()
