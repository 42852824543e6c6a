#!/usr/bin/env bash
# Reading figures for the platform readers on synthetic, whole-section-sized outputs: a Xenium
# folder (transcripts.csv.gz, and transcripts.parquet in row groups of 1 M rows written by
# hyparquet-writer), a CosMx export (tx_file.csv) and a pciSeq-style spot table. Each is read by
# `teramind info` under /usr/bin/time: rows per second and peak memory (which must stay near the
# table itself, 14 bytes per molecule, plus the binary's ~200 MB).
#   bench/formats-bench.sh [ROWS] [WORK_DIR]     (defaults: 5000000, /tmp/teramind-formats)
# Needs build/default/app/teramind; the Parquet row needs node and tests/tools/node_modules
# (tests/tools/install-node-packages.sh), and is skipped without them.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rows=${1:-5000000}
work=${2:-/tmp/teramind-formats}
teramind="$root/build/default/app/teramind"
mkdir -p "$work/xenium" "$work/xenium_parquet" "$work/cosmx"

# The same molecules in every layout: 300 genes (Zipf-like) + 5 controls over 5 x 5 mm.
python3 - "$rows" "$work" <<'EOF'
import gzip, json, random, sys
rows, work = int(sys.argv[1]), sys.argv[2]
rng = random.Random(7)
genes = [f"Gene{g:03d}" for g in range(300)] + [f"NegControlProbe_{k}" for k in range(5)]
weights = [1.0 / (g + 1) for g in range(300)] + [0.002] * 5
picks = rng.choices(range(len(genes)), weights=weights, k=rows)
manifest = {"pixel_size": 0.2125, "z_step_size": 3.0, "panel_name": "synthetic",
            "images": {}}
json.dump(manifest, open(f"{work}/xenium/experiment.xenium", "w"))
json.dump(manifest, open(f"{work}/xenium_parquet/experiment.xenium", "w"))
with gzip.open(f"{work}/xenium/transcripts.csv.gz", "wt", compresslevel=1) as xen, \
     open(f"{work}/xenium_parquet/transcripts.csv", "w") as plain, \
     open(f"{work}/cosmx/tx_file.csv", "w") as cos, open(f"{work}/spots.csv", "w") as spots:
    xen.write("transcript_id,cell_id,overlaps_nucleus,feature_name,x_location,y_location,"
              "z_location,qv\n")
    plain.write("x_location,y_location,z_location,qv,feature_name\n")
    cos.write("fov,cell_ID,x_global_px,y_global_px,x_local_px,y_local_px,z,target,CellComp\n")
    spots.write("Gene,x,y\n")
    for i, g in enumerate(picks):
        x, y, z = rng.uniform(0, 5000), rng.uniform(0, 5000), rng.uniform(0, 12)
        qv = rng.choice((10.0, 25.0, 40.0, 40.0))
        name = genes[g]
        xen.write(f"{i},UNASSIGNED,0,{name},{x:.3f},{y:.3f},{z:.3f},{qv}\n")
        plain.write(f"{x:.3f},{y:.3f},{z:.3f},{qv},{name}\n")
        cos.write(f"1,0,{x / 0.18:.2f},{y / 0.18:.2f},0,0,{int(z // 1.5)},{name},0\n")
        spots.write(f"{name},{x / 0.1625:.2f},{y / 0.1625:.2f}\n")
with open(f"{work}/cosmx/fov_positions_file.csv", "w") as f:
    f.write("fov,x_global_px,y_global_px\n1,0,0\n")
EOF

node_modules="$root/tests/tools/node_modules"
if command -v node >/dev/null && [ -d "$node_modules/hyparquet-writer" ]; then
  NODE_PATH="$node_modules" node --max-old-space-size=8192 --input-type=module - \
    "$work/xenium_parquet" <<'EOF'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
const require = createRequire(process.env.NODE_PATH + '/')
const { parquetWriteFile } = await import(require.resolve('hyparquet-writer'))
const dir = process.argv[2]
const lines = readFileSync(`${dir}/transcripts.csv`, 'utf8').trimEnd().split('\n').slice(1)
const col = (k, f) => lines.map((l) => f(l.split(',')[k]))
parquetWriteFile({
  filename: `${dir}/transcripts.parquet`, rowGroupSize: 1000000,
  columnData: [
    { name: 'feature_name', data: col(4, String), type: 'STRING' },
    { name: 'x_location', data: col(0, Number), type: 'FLOAT' },
    { name: 'y_location', data: col(1, Number), type: 'FLOAT' },
    { name: 'z_location', data: col(2, Number), type: 'FLOAT' },
    { name: 'qv', data: col(3, Number), type: 'FLOAT' },
  ],
})
EOF
  rm "$work/xenium_parquet/transcripts.csv"
else
  echo "formats-bench: node or hyparquet-writer missing: the Parquet row is skipped"
  rm -rf "$work/xenium_parquet"
fi

measure() {  # LABEL PATH [FLAGS...]
  local label=$1 path=$2
  shift 2
  local log="$work/$label.time"
  /usr/bin/time -v "$teramind" info "$path" "$@" >"$work/$label.info" 2>"$log"
  local seconds rss bytes
  seconds=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$log" |
    awk -F: '{print ($1 * 60) + $2}')
  rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$log")
  bytes=$(du -sb "$path" | cut -f1)
  awk -v l="$label" -v n="$rows" -v b="$bytes" -v s="$seconds" -v r="$rss" 'BEGIN {
    printf "%-16s %10d rows %8.1f MB on disk %7.2f s %6.2f M rows/s %6d MB peak RSS\n",
      l, n, b / 1e6, s, n / s / 1e6, r / 1024 }'
  grep -E '^(transcripts|genes|controls|qv_filter):' "$work/$label.info" | sed 's/^/    /'
}
measure xenium_csv_gz "$work/xenium"
[ -d "$work/xenium_parquet" ] && measure xenium_parquet "$work/xenium_parquet"
measure cosmx_tx_file "$work/cosmx"
measure spot_table "$work/spots.csv" --columns gene=Gene,x=x,y=y --pixel-um 0.1625
