#!/usr/bin/env bash
# Seeds for fuzz_ontology_csv: the first rows of the real Allen structure-tree CSV.
source "$(dirname "${BASH_SOURCE[0]}")/table-seed-helpers.sh"
corpus_for ontology_csv
head -n 120 "$DATA/allen_ccf_v3/structure_tree_safe_2017.csv" >"$CORPUS/seed-head120.csv"
head -n 12 "$ROOT/resources/atlas/structure_tree_safe_2017.csv" >"$CORPUS/seed-head12.csv"
check_sizes
