#!/usr/bin/env bash
# Quick start: install, build, and run the main job on the bundled demo. With a display this
# opens the studio; without one it runs the studio under Xvfb and writes a screenshot, a volume
# (the CA1 region of the bundled atlas) and generated morphology (real | generated) into
# demo-output/.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/packaging/setup.sh" default
bin="$root/build/default/app"
out="$root/demo-output"
mkdir -p "$out"
"$bin/teramind" atlas region CA1 --mask "$out/ca1_mask.nrrd"
# The bundled Vizgen crop, binned into the model's condition (16 px of 0.1086 µm per bin).
demo="$root/resources/demo/vizgen_mini"
"$bin/teramind" info "$demo"
"$bin/teramind" bin "$demo" --bin-um 1.738024 --out "$out/demo_condition.vdb"
# The bundled demo model (resources/models/): its configuration, then morphology generated for
# the held-out rows of the crop beside the real stains (PSNR/SSIM, nucleus counts printed).
"$bin/teramind" model info --weights "$root/resources/models/demo.safetensors"
"$bin/teramind" model evaluate --image "$out/demo_generated.png"
# A 3 x 3-tile region generated in lock-step into OME-Zarr, and its seam ratio.
rm -rf "$out/demo_generated.zarr"
"$bin/teramind" generate --demo --out "$out/demo_generated.zarr"
"$bin/teramind" seams "$out/demo_generated.zarr"
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  exec "$bin/teramind-studio" --select CA1
fi
xvfb-run -a -s '-screen 0 1600x1000x24' "$bin/teramind-studio" --select CA1 --size 1440x900 \
  --attention --generate --screenshot "$out/studio.png"
"$bin/teramind" info "$out/ca1_mask.nrrd"
echo "demo output: $out/studio.png $out/demo_generated.png $out/demo_generated.zarr $out/ca1_mask.nrrd $out/demo_condition.vdb"
