#!/usr/bin/env bash
# Installs the Debian 12 packages Tera-MIND Studio needs to build, test and run.
# Idempotent; works as root or through sudo.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config clang-format
  # the fuzz build (libFuzzer, ASan, UBSan: cmake --preset fuzz)
  clang-14 libclang-rt-14-dev
  # GUI and rendering
  qt6-base-dev libqt6opengl6-dev libvtk9-dev libgl1-mesa-dri xvfb xauth
  # section explorer exports (PNG written row by row) and movies of the 3D view (MP4)
  libpng-dev libavcodec-dev libavformat-dev libavutil-dev libswscale-dev
  # volume I/O
  libinsighttoolkit5-dev libopenvdb-dev libboost-iostreams-dev libtbb-dev zlib1g-dev libhdf5-dev
  libblosc-dev libzstd-dev libtiff-dev libisal-dev
  # Parquet pages (Xenium transcripts, SpatialData points)
  libsnappy-dev
  # whole-brain generation across processes and nodes
  libopenmpi-dev openmpi-bin
  # reference readers the tests check our files against
  python3-h5py python3-zarr python3-tifffile nodejs
  # fuzz seeds cut from the CosMx label images (tests/fuzz/seeds/label-crop.py)
  python3-pil python3-numpy
  # model
  libtorch-dev libopenblas0-pthread
  # header-only and small libraries
  libcli11-dev libfccp-dev nlohmann-json3-dev libfmt-dev
  # tests
  libgtest-dev libgmock-dev
  # the Debian package (packaging/build-deb.sh) and its clean-root test (tests/package)
  dpkg-dev fakeroot help2man desktop-file-utils debootstrap
)

# npm comes inside some nodejs packages and apart on Debian: asked for only when absent.
command -v npm >/dev/null 2>&1 || packages+=(npm)

if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages already installed"
  exit 0
fi
echo "install-deps: installing ${#missing[@]} packages: ${missing[*]}"
$sudo apt-get update
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y "${missing[@]}"
