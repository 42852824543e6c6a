#!/usr/bin/env bash
# Seeds for fuzz_nifti: 12³ crops of the real Allen CCF volumes as single-file NIfTI-1.
source "$(dirname "${BASH_SOURCE[0]}")/table-seed-helpers.sh"
corpus_for nifti
self="$(dirname "${BASH_SOURCE[0]}")"
python3 "$self/volume-seeds.py" nifti "$DATA/allen_ccf_v3/average_template_100.nrrd" "$CORPUS/seed-template.nii" 12
python3 "$self/volume-seeds.py" nifti "$DATA/allen_ccf_v3/annotation_100.nrrd" "$CORPUS/seed-annotation.nii" 10
check_sizes
