#!/usr/bin/env bash
# Installs the Debian package into a clean Debian 12 root and runs it from the installed paths:
# `teramind atlas region CA1` and a headless `teramind-studio --screenshot` (under Xvfb).
#
# The clean root is debootstrap --variant=minbase, made once and kept in WORK/base (a stamp names
# what it was made from); each run installs the package with apt into an overlay on top of it,
# removed afterwards, so every run starts from the same minimal root. The host's
# /var/cache/apt/archives is the .deb cache of both (debootstrap --cache-dir, and bind-mounted
# for apt), so only what it lacks is downloaded. Every phase is timed and bounded.
#
# Usage: install-test.sh DEB WORK      Exit status 77: skipped (not root, no package, no tools).
set -euo pipefail
deb="$1"
work="$2"
skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" -eq 0 ] || skip "installing into a chroot needs root"
[ -f "$deb" ] || skip "no package at $deb: build it with packaging/build-deb.sh"
for tool in debootstrap chroot mount; do
  command -v "$tool" >/dev/null || skip "$tool is missing (packaging/install-deps.sh installs it)"
done

suite=bookworm
mirror=http://deb.debian.org/debian
security=http://deb.debian.org/debian-security
cache=/var/cache/apt/archives
deb="$(realpath "$deb")"
mkdir -p "$work"
work="$(realpath "$work")"
base="$work/base"
run="$work/run"
root="$run/root"

started=$SECONDS
phase() { echo "== $1 (at ${SECONDS}s; $((SECONDS - started))s since start)"; }
cache_bytes() { du -sb "$cache" | cut -f1; }
cache_before=$(cache_bytes)

# Whatever still runs inside a run's root (Xvfb, or the apt of a run killed without its trap)
# holds its mounts and files.
kill_in_root() {
  local p
  for p in /proc/[0-9]*; do
    case "$(readlink "$p/root" 2>/dev/null)" in "$run"/*) kill -9 "${p#/proc/}" 2>/dev/null || true ;; esac
  done
}
mounts=()
cleanup() {
  local status=$?
  kill_in_root
  local i
  for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do
    umount "${mounts[i]}" 2>/dev/null || umount -l "${mounts[i]}" || status=1
  done
  rm -rf --one-file-system "$run"
  echo "downloaded: $((($(cache_bytes) - cache_before) / 1048576)) MiB into $cache"
  echo "total: $((SECONDS - started)) s"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
bind() {  # bind SOURCE TARGET, unmounted by cleanup
  mkdir -p "$2"
  mount --bind "$1" "$2"
  mounts+=("$2")
}

# 1. The clean root, made once.
stamp="debootstrap --variant=minbase $suite $mirror"
if [ "$(cat "$base/.teramind-stamp" 2>/dev/null)" != "$stamp" ]; then
  phase "debootstrap $suite minbase into $base"
  rm -rf "$base"
  timeout 1200 debootstrap --variant=minbase --cache-dir="$cache" "$suite" "$base" "$mirror" \
    >"$work/debootstrap.log" 2>&1 || { tail -20 "$work/debootstrap.log"; exit 1; }
  cat >"$base/etc/apt/sources.list" <<SOURCES
deb $mirror $suite main
deb $mirror $suite-updates main
deb $security $suite-security main
SOURCES
  # No services start inside the root.
  printf '#!/bin/sh\nexit 101\n' >"$base/usr/sbin/policy-rc.d"
  chmod +x "$base/usr/sbin/policy-rc.d"
  echo "$stamp" >"$base/.teramind-stamp"
else
  phase "reusing the clean root $base"
fi

# 2. This run's root: an overlay on the clean one. A run killed without its trap (a ctest
# timeout) leaves its mounts, which go before its files; rm never crosses into a mount.
kill_in_root
{ findmnt -rn -o TARGET | grep "^$run/" || true; } | sort -r | while read -r m; do umount -l "$m"; done
rm -rf --one-file-system "$run"
mkdir -p "$run/upper" "$run/overlay-work" "$root"
mount -t overlay overlay -o "lowerdir=$base,upperdir=$run/upper,workdir=$run/overlay-work" "$root"
mounts+=("$root")
mount -t proc proc "$root/proc"
mounts+=("$root/proc")
bind /dev "$root/dev"
bind /dev/pts "$root/dev/pts"
bind "$cache" "$root/var/cache/apt/archives"
cp /etc/resolv.conf "$root/etc/resolv.conf"
cp "$deb" "$root/tmp/"
in_root=(chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root
  LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive)

# 3. The package and what its Depends name, resolved by apt in the clean root.
phase "apt-get install ./$(basename "$deb")"
timeout 600 "${in_root[@]}" apt-get update -q >"$work/apt.log" 2>&1 || { tail -20 "$work/apt.log"; exit 1; }
timeout 1200 "${in_root[@]}" apt-get install -y -q --no-install-recommends "/tmp/$(basename "$deb")" \
  >>"$work/apt.log" 2>&1 || { tail -30 "$work/apt.log"; exit 1; }
grep -E "^(Need to get|After this operation|[0-9]+ upgraded)" "$work/apt.log" || true
echo "installed root: $(du -sm --exclude=var/cache "$run/upper" | cut -f1) MiB above the clean root"

# 4. Installed where the package says.
phase "installed files"
for f in /usr/bin/teramind /usr/bin/teramind-studio /usr/share/teramind/resources/atlas \
  /usr/share/applications/org.teramind.Studio.desktop \
  /usr/share/icons/hicolor/scalable/apps/org.teramind.Studio.svg \
  /usr/share/mime/packages/org.teramind.Studio.xml /usr/share/man/man1/teramind.1.gz \
  /usr/share/man/man1/teramind-studio.1.gz; do
  [ -e "$root$f" ] || { echo "FAIL: the package did not install $f"; exit 1; }
done
zgrep -q 'teramind atlas region' "$root/usr/share/man/man1/teramind.1.gz" ||
  { echo "FAIL: man teramind lacks the atlas region command"; exit 1; }

# 5. The CLI, from /usr/bin, finding the installed resources.
phase "teramind atlas region CA1"
region="$(timeout 120 "${in_root[@]}" teramind atlas region CA1)" || { echo "$region"; exit 1; }
echo "$region"
grep -q '^voxels: 10278$' <<<"$region" || { echo "FAIL: CA1 has not the bundled atlas's 10278 voxels"; exit 1; }

# 6. The studio, headless: Xvfb is the test's, not the package's.
phase "apt-get install xvfb xauth (for the headless studio)"
timeout 600 "${in_root[@]}" apt-get install -y -q --no-install-recommends xvfb xauth \
  >>"$work/apt.log" 2>&1 || { tail -20 "$work/apt.log"; exit 1; }
phase "teramind-studio --screenshot"
rm -f "$work/studio.png"
studio="$(timeout 300 "${in_root[@]}" xvfb-run -a -s '-screen 0 1600x1000x24' \
  teramind-studio --select CA1 --screenshot /tmp/studio.png 2>&1)" || { echo "$studio"; exit 1; }
echo "$studio"
grep -q '^screenshot: /tmp/studio.png (1440x900)$' <<<"$studio" ||
  { echo "FAIL: the studio wrote no 1440x900 screenshot"; exit 1; }
cp "$root/tmp/studio.png" "$work/studio.png"
echo "screenshot: $work/studio.png ($(stat -c %s "$work/studio.png") bytes)"
phase "passed"
