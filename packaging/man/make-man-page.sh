#!/usr/bin/env bash
# Writes the man page of one of the two executables from its --help (help2man), gzipped the
# way Debian installs man pages. For teramind, each subcommand's --help (and its subcommands')
# goes into a COMMANDS section, so `man teramind` holds every option of every command.
# Usage: make-man-page.sh EXECUTABLE VERSION OUT.1.gz
set -euo pipefail
exe="$(realpath "$1")"
version="$2"
out="$3"
name="$(basename "$exe")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# Run as plain NAME from PATH, so the usage lines say "teramind", not a build path.
export PATH="$(dirname "$exe"):$PATH"

# The subcommand names listed under "Subcommands:" in a --help text.
subcommands() { awk '/^Subcommands:/ {on = 1; next} on && /^  [a-z]/ {print $1} on && /^$/ {on = 0}'; }

# A --help text as a roff no-fill block: backslashes escaped, leading dots and quotes protected.
as_roff() { sed -e 's/\\/\\e/g' -e "s/^\\([.']\\)/\\\\\\&\\1/"; }

describe() {  # describe "sub command words": a .SS heading and its help, then its subcommands'
  local words="$1" help
  help="$("$name" $words --help)"
  printf '.SS "%s %s"\n.nf\n' "$name" "$words"
  printf '%s\n' "$help" | as_roff
  printf '.fi\n'
  local sub
  for sub in $(printf '%s\n' "$help" | subcommands); do describe "$words $sub"; done
}

{
  if [ "$name" = teramind ]; then
    echo '[COMMANDS]'
    for sub in $("$name" --help | subcommands); do describe "$sub"; done
  fi
  cat <<'SECTIONS'
[ENVIRONMENT]
.TP
.B TERAMIND_RESOURCES
The directory of the bundled resources (atlas, demo data, demo model, presets), instead of the
installed one.
[FILES]
.TP
.I /usr/share/teramind/resources
The bundled 100 \(*mm Allen CCFv3 atlas and ontology, the Vizgen demo crop, the demo model and
the transfer-function presets.
[SEE ALSO]
.BR teramind (1),
.BR teramind-studio (1)
SECTIONS
} >"$work/include"

description="Tera-MIND engine: atlas, spatial transcriptomics, diffusion generation"
[ "$name" = teramind-studio ] && description="simulate 3D mouse-brain tissue (desktop studio)"
LC_ALL=C.UTF-8 help2man --no-info --section=1 --manual="Tera-MIND Studio" --locale=C.UTF-8 \
  --source="Tera-MIND Studio $version" --version-string="$version" --name="$description" \
  --include="$work/include" --output="$work/$name.1" "$name"
gzip -9 -n -c "$work/$name.1" >"$out.tmp-$$"
mv "$out.tmp-$$" "$out"  # never a half page
