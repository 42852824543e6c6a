#!/usr/bin/env bash
# Makes the seed corpora in tests/fuzz/corpus/<target>/ from the real data ($TERAMIND_DATA,
# default ../shared/data) and resources/: runs tests/fuzz/seeds/<target>.sh for every target
# (or the targets named). Each script replaces only its own seed-* files and keeps every seed
# <= 64 KiB (256 KiB for the HDF5/VDB ones). Some need the default build (`teramind`,
# make_fuzz_seeds). The seeds are committed, so CI needs neither the data nor this script.
#   tests/fuzz/make-seed-corpus.sh [TARGET...]
set -euo pipefail
seeds="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/seeds"
if [ $# -eq 0 ]; then
  # Every <target>.sh; *-helpers.sh are sourced by the others.
  set -- $(find "$seeds" -maxdepth 1 -name '*.sh' ! -name '*-helpers.sh' -printf '%f\n' |
    sed 's/\.sh$//' | sort)
fi
for target in "$@"; do
  bash "$seeds/$target.sh"
  corpus="$seeds/../corpus/$target"
  echo "$target: $(find "$corpus" -type f | wc -l) seeds, $(du -sk "$corpus" | cut -f1) KiB"
done
