#!/usr/bin/env bash
# Seeds for fuzz_starmap: the real STARmap pair cut to its first cells (locations, then the
# expression matrix's header and genes over the same cells), joined by the part separator.
source "$(dirname "${BASH_SOURCE[0]}")/table-seed-helpers.sh"
corpus_for starmap
dir="$DATA/starmap_3d_visp_mini"
for cells in 20 200; do
  {
    head -n "$cells" "$dir/starmap_cell_loc.txt"
    printf '%s' "$PART"
    zcat "$dir/starmap_expr.txt.gz" | awk -v n="$cells" 'NR == 1 { out = $1; for (i = 2; i <= n; ++i) out = out " " $i; print out; next } { out = $1; for (i = 2; i <= n + 1; ++i) out = out " " $i; print out }'
  } >"$CORPUS/seed-$cells-cells.txt"
done
check_sizes
