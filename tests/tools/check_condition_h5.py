#!/usr/bin/python3
"""Reads a binned condition (.h5) with h5py, independently of our reader, and prints what a
test can check: format, grid, gene count, per-gene totals of the named genes, grand total."""
import sys

import h5py
import numpy as np

path, genes = sys.argv[1], sys.argv[2:]
with h5py.File(path, "r") as f:
    fmt = f.attrs["format"]
    print("format:", fmt.decode() if isinstance(fmt, bytes) else fmt)
    print("extent:", " x ".join(str(int(v)) for v in f.attrs["extent"]))
    names = [n.decode() if isinstance(n, bytes) else n for n in f["genes"][()]]
    offsets = f["gene_offsets"][()]
    bins = f["bins"][()]
    values = f["values"][()].astype(np.float64)
    print("genes:", len(names))
    assert offsets[0] == 0 and offsets[-1] == len(bins) == len(values)
    for g in range(len(names)):
        run = bins[offsets[g]:offsets[g + 1]]
        assert np.all(np.diff(run.astype(np.int64)) > 0), "bins not strictly sorted"
    for gene in genes:
        g = names.index(gene)
        print(f"{gene}: {values[offsets[g]:offsets[g + 1]].sum():.0f}")
    print(f"total: {values.sum():.0f}")
