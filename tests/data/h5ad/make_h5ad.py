#!/usr/bin/python3
"""Writes the tiny h5ad/loom/CSV fixtures of tests/core/Hdf5ReadersTest.cpp.

Run with the system python (anndata 0.8.0, scipy, h5py): /usr/bin/python3 make_h5ad.py
The values are hard-coded in the test: change both together.
"""
import os

import anndata as ad
import h5py
import numpy as np
import pandas as pd
import scipy.sparse as sp

HERE = os.path.dirname(os.path.abspath(__file__))

# 4 cells x 5 genes; cell c1 is empty, values are not all integers.
X = np.array(
    [
        [1.0, 0.0, 2.5, 0.0, 0.0],
        [0.0, 0.0, 0.0, 0.0, 0.0],
        [3.0, 1.0, 0.0, 0.0, 7.0],
        [0.0, 4.0, 0.0, 0.5, 0.0],
    ],
    dtype=np.float32,
)
CELLS = ["c0", "c1", "c2", "c3"]
GENE_IDS = ["ENSMUSG01", "ENSMUSG02", "ENSMUSG03", "ENSMUSG04", "ENSMUSG05"]
# A repeated symbol (made unique by the reader) and a control barcode.
SYMBOLS = ["Gad1", "Slc17a7", "Gad1", "Blank-1", "Pvalb"]
SPATIAL_2D = np.array([[10.0, 20.0], [11.5, 21.5], [-3.0, 4.0], [100.0, 200.0]])
SPATIAL_3D = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0], [10.0, 11.0, 12.5]])

# 6 cells x 3 genes, integer counts, coordinates from the metadata CSV.
DENSE = np.array(
    [[0, 1, 2], [3, 0, 0], [0, 0, 5], [6, 7, 8], [0, 0, 0], [9, 0, 1]], dtype=np.int32
)
DENSE_CELLS = ["1019171907102340387-1", "1019171907102340388-1", "1019171907102340389-1",
               "1019171907102340390-1", "1019171907102340391-1", "1019171907102340392-1"]
DENSE_GENES = ["Sst", "Vip", "Lamp5"]
# Section coordinates in mm (ABC), spread over three z so the affine fit is determined.
SECTION_MM = np.array(
    [[1.0, 2.0, 3.0], [2.0, 2.5, 3.0], [1.5, 4.0, 3.2], [3.0, 1.0, 3.2], [2.5, 3.5, 3.4],
     [0.5, 0.5, 3.4]]
)
# ccf = A . section + t, in mm.
AFFINE_A = np.array([[0.0, 0.0, 1.0], [0.9, 0.1, 0.0], [-0.1, 1.1, 0.0]])
AFFINE_T = np.array([5.0, -1.0, 0.5])


def obs(cells, **columns):
    return pd.DataFrame(columns, index=pd.Index(cells, name="cell_label"))


def var(ids, **columns):
    return pd.DataFrame(columns, index=pd.Index(ids, name="gene_identifier"))


def write(adata, name):
    path = os.path.join(HERE, name)
    adata.write_h5ad(path)
    return path


def main():
    cell_type = pd.Categorical(["L2/3 IT", "Sst", "L2/3 IT", "Pvalb"])

    # CSR, 2-D spatial, categorical obs column, var gene_symbol.
    a = ad.AnnData(sp.csr_matrix(X), obs=obs(CELLS, cell_type=cell_type),
                   var=var(GENE_IDS, gene_symbol=SYMBOLS))
    a.obsm["spatial"] = SPATIAL_2D
    write(a, "csr.h5ad")

    # CSC, 3-D spatial, symbols as plain strings in a column with another name (anndata
    # stores gene_symbol above as a categorical because it has a repeat).
    a = ad.AnnData(sp.csc_matrix(X), obs=obs(CELLS),
                   var=var(GENE_IDS, symbol=["Gad1", "Slc17a7", "Gad2", "Blank-1", "Pvalb"]))
    a.obsm["spatial"] = SPATIAL_3D
    write(a, "csc.h5ad")

    # Dense int X without obsm: coordinates from the ABC-style metadata CSV.
    write(ad.AnnData(DENSE, obs=obs(DENSE_CELLS), var=var(DENSE_GENES), dtype=np.int32),
          "dense.h5ad")
    ccf = SECTION_MM @ AFFINE_A.T + AFFINE_T
    rows = []
    for i, cell in enumerate(DENSE_CELLS):
        rows.append((cell, "C57BL6J-638850.40", *SECTION_MM[i], *ccf[i]))
    # A cell that is not in the h5ad, and rows in another order than obs.
    rows.append(("9999", "C57BL6J-638850.40", 9.0, 9.0, 9.0, 1.0, 1.0, 1.0))
    rows = rows[::-1]
    meta = pd.DataFrame(rows, columns=["cell_label", "brain_section_label", "x", "y", "z",
                                       "x_ccf", "y_ccf", "z_ccf"])
    meta.to_csv(os.path.join(HERE, "cell_metadata.csv"), index=False, float_format="%.6f")
    meta[meta.cell_label != DENSE_CELLS[2]].to_csv(
        os.path.join(HERE, "cell_metadata_missing.csv"), index=False, float_format="%.6f")

    # Bad inputs, written by anndata, then broken where anndata would not break them.
    negative = X.copy()
    negative[2, 4] = -7.0
    a = ad.AnnData(sp.csr_matrix(negative), obs=obs(CELLS), var=var(GENE_IDS))
    a.obsm["spatial"] = SPATIAL_2D
    write(a, "negative.h5ad")

    a = ad.AnnData(sp.csr_matrix(X), obs=obs(CELLS), var=var(GENE_IDS))
    a.obsm["spatial"] = SPATIAL_2D
    path = write(a, "bad_indices.h5ad")
    with h5py.File(path, "r+") as f:
        f["X/indices"][3] = 9  # cell c2's second entry

    # A tiny loom: float matrix genes x cells, variable-length gene names, no CellID, X/Y/Z.
    with h5py.File(os.path.join(HERE, "tiny.loom"), "w") as f:
        f["matrix"] = X.T.copy()
        f.create_group("layers")
        f.create_group("row_attrs")
        f.create_group("col_attrs")
        f["row_attrs/Gene"] = np.array(["Gad1", "Slc17a7", "Sst", "Blank-1", "Pvalb"],
                                       dtype=h5py.string_dtype())
        f["col_attrs/X"] = SPATIAL_3D[:, 0]
        f["col_attrs/Y"] = SPATIAL_3D[:, 1]
        f["col_attrs/Z"] = SPATIAL_3D[:, 2]


if __name__ == "__main__":
    main()
