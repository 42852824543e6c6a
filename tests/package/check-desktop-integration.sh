#!/usr/bin/env bash
# The desktop entry is valid (desktop-file-validate), the MIME type it names is the one the
# shared-mime-info XML defines, and that XML makes a studio session JSON (as StudioSession::save
# writes it: nlohmann dump(2), sorted keys) application/x-teramind-studio-session for GIO.
# Usage: check-desktop-integration.sh PACKAGING_DIR WORK     Exit status 77: skipped (no tools).
set -euo pipefail
packaging="$1"
work="$2"
desktop="$packaging/desktop/org.teramind.Studio.desktop"
mime="$packaging/mime/org.teramind.Studio.xml"
for tool in desktop-file-validate update-mime-database gio; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool is missing (packaging/install-deps.sh)"; exit 77; }
done

desktop-file-validate "$desktop"
type="$(sed -n 's/^MimeType=\(.*\);$/\1/p' "$desktop")"
[ "$type" = application/x-teramind-studio-session ] || { echo "FAIL: MimeType= is '$type'"; exit 1; }

rm -rf "$work" && mkdir -p "$work/mime/packages"
cp "$mime" "$work/mime/packages/"
update-mime-database "$work/mime" 2>/dev/null
[ -f "$work/mime/application/x-teramind-studio-session.xml" ] ||
  { echo "FAIL: $mime does not define $type"; exit 1; }
cat >"$work/session.json" <<'JSON'
{
  "atlas": "/usr/share/teramind/resources/atlas",
  "atlas_resolution_um": 100,
  "dataset": "/usr/share/teramind/resources/demo/vizgen_mini",
  "format": "teramind-studio-session",
  "version": 2
}
JSON
echo '{"format": "something-else"}' >"$work/other.json"
detect() { XDG_DATA_DIRS="$work:/usr/share" gio info -a standard::content-type "$1" |
  sed -n 's/.*standard::content-type: //p'; }
session_type="$(detect "$work/session.json")"
other_type="$(detect "$work/other.json")"
echo "session.json: $session_type; other.json: $other_type"
[ "$session_type" = "$type" ] || { echo "FAIL: a session is not recognised as $type"; exit 1; }
[ "$other_type" != "$type" ] || { echo "FAIL: any JSON is taken for a session"; exit 1; }
