#!/usr/bin/env python3
"""Crops a label TIFF (CosMx CellLabels) to its top-left SIZE × SIZE pixels, for fuzz seeds,
written as KIND: float-lzw (32-bit float, LZW: CosMx's own), uint16-raw (uncompressed) or
uint32-deflate. Uses Pillow and NumPy (Debian: python3-pil, python3-numpy).

    label-crop.py SOURCE OUT SIZE KIND
"""
import sys

import numpy as np
from PIL import Image

source, out, size, kind = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
labels = np.array(Image.open(source))[:size, :size]
if kind == "float-lzw":
    Image.fromarray(labels.astype(np.float32), mode="F").save(out, format="TIFF", compression="tiff_lzw")
elif kind == "uint16-raw":
    Image.fromarray(labels.astype(np.uint16)).save(out, format="TIFF", compression="raw")
elif kind == "uint32-deflate":
    Image.fromarray(labels.astype(np.int32), mode="I").save(out, format="TIFF", compression="tiff_adobe_deflate")
else:
    raise SystemExit(f"unknown kind {kind}")
