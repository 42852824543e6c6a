# Shared by spot_table.sh and paint_spot_table.sh (sourced, not run): the demo's molecules
# written as a pciSeq spot table, and the comparison of two generated stores' chunks.

fail() { echo "FAIL: $*"; exit 1; }

# make_spot_table DEMO_DIR OUT_CSV: the demo's Vizgen transcripts as Gene, x, y in pixels of
# 0.1625 µm, plane_id.
make_spot_table() {
  zcat "$1/vizgen_transcripts.gz" | awk -F, '
    NR == 1 { for (i = 1; i <= NF; ++i) col[$i] = i; print "Gene,x,y,plane_id"; next }
    { printf "%s,%.6f,%.6f,%d\n", $col["gene"], $col["global_x"] / 0.1625, $col["global_y"] / 0.1625,
             $col["global_z"] }' >"$2"
}

# same_chunks STORE_A STORE_B LIST_FILE: every chunk of A (the stores' own metadata names the
# job, so it is left out) has the same bytes in B; prints how many.
same_chunks() {
  (cd "$1" && find . -type f ! -name 'zarr.json' ! -name '.z*' ! -name 'teramind-job*' | sort) >"$3"
  [ -s "$3" ] || fail "no chunks written"
  local f
  while read -r f; do
    cmp -s "$1/$f" "$2/$f" || fail "generated $f differs"
  done <"$3"
  echo "same generated chunks: $(wc -l <"$3") files"
}
