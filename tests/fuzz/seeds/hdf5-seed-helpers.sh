# Shared by the HDF5 and OpenVDB seed scripts (sourced): their seeds may be up to 256 KiB
# (the targets' MAX_LEN), as the smallest real files are tens of KiB.
source "$(dirname "${BASH_SOURCE[0]}")/table-seed-helpers.sh"
check_sizes() {
  local f
  for f in "$CORPUS"/seed-*; do
    if (($(stat -c %s "$f") > 262144)); then
      echo "seed too large: $f" >&2
      exit 1
    fi
  done
}
# The CLI that writes conditions: $TERAMIND_CLI, else the default build's.
CLI="${TERAMIND_CLI:-$ROOT/build/default/app/teramind}"
