#!/usr/bin/env python3
"""Checks that two gene x gene attention CSVs (header: gene,<genes...>; one row per gene) hold
the same genes in the same order and the same values within a tolerance. Used to check that the
studio's attention dock shows the matrix `teramind attention` writes."""
import csv
import sys


def read(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    if not rows or rows[0][0] != "gene":
        sys.exit(f"{path}: not an attention matrix CSV (no 'gene' header)")
    genes = rows[0][1:]
    names = [r[0] for r in rows[1:]]
    values = [[float(v) for v in r[1:]] for r in rows[1:]]
    if names != genes or any(len(r) != len(genes) for r in values):
        sys.exit(f"{path}: rows and columns do not name the same genes")
    return genes, values


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: compare_attention_csv.py A.csv B.csv")
    (ga, a), (gb, b) = read(sys.argv[1]), read(sys.argv[2])
    if ga != gb:
        sys.exit(f"gene order differs: {ga[:5]}... vs {gb[:5]}...")
    worst = max(abs(x - y) for ra, rb in zip(a, b) for x, y in zip(ra, rb))
    print(f"genes: {len(ga)}, max_abs_difference: {worst:.3g}")
    if worst > 1e-6:
        sys.exit("the matrices differ")


if __name__ == "__main__":
    main()
