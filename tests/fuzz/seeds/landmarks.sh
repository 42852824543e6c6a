#!/usr/bin/env bash
# Seeds for fuzz_landmarks: landmark files as docs/placement.md describes them (written here:
# there is no public one), with the residual column we write, reordered columns, quoted names,
# empty names, and gzip.
source "$(dirname "${BASH_SOURCE[0]}")/table-seed-helpers.sh"
corpus_for landmarks
cat >"$CORPUS/seed-plain.csv" <<'CSV'
name,section_x_um,section_y_um,atlas_x_um,atlas_y_um,atlas_z_um
corpus callosum,1520.5,980.25,5600,2100,4400
ventricle tip,2310,1402.75,6425.5,2890,4400
cortex edge,410.125,2250,4480,1200.5,4400
CSV
cat >"$CORPUS/seed-residual.csv" <<'CSV'
name,section_x_um,section_y_um,atlas_x_um,atlas_y_um,atlas_z_um,residual_um
L1,1520.5,980.25,5600,2100,4400,3.25
L2,2310,1402.75,6425.5,2890,4400,1.5
L3,410.125,2250,4480,1200.5,4400,0.125
L4,1800,3000.5,5900,4100,4412.5,2
CSV
printf 'atlas_z_um,atlas_y_um,atlas_x_um,name,section_y_um,section_x_um\r\n4400,2100,5600,"a, ""quoted"" name",980.25,1520.5\r\n4400,2890,6425.5,,1402.75,2310\r\n4400,1200.5,4480,,2250,410.125\r\n' >"$CORPUS/seed-reordered-crlf.csv"
gzip -9nc "$CORPUS/seed-residual.csv" >"$CORPUS/seed-residual.csv.gz"
check_sizes
