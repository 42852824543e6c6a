#!/usr/bin/env bash
# Seeds for fuzz_omezarr_v2 (and omezarr_v3 through OMEZARR_VERSION): a 96 × 80 px, two-level
# store of the real Allen average template's middle plane, written by our own OmeZarrStore
# (make_fuzz_seeds, in the default build) and joined in OmeZarrStoreInput.h's order.
source "$(dirname "${BASH_SOURCE[0]}")/table-seed-helpers.sh"
version="${OMEZARR_VERSION:-v2}"
corpus_for "omezarr_$version"
tool="${TERAMIND_SEED_TOOL:-$ROOT/build/default/tests/fuzz/make_fuzz_seeds}"
"$tool" omezarr "$version" "$DATA/allen_ccf_v3/average_template_100.nrrd" "$CORPUS/seed-template.zarr"
"$tool" omezarr "$version" "$DATA/allen_ccf_v3/annotation_100.nrrd" "$CORPUS/seed-annotation.zarr"
check_sizes
