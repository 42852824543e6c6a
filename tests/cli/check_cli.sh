#!/usr/bin/env bash
# Runs a CLI command and checks its output: every --expect regex must match, and the exit
# status must be 0 (or non-zero with --fails). --needs PATH skips (exit 77) when PATH is absent.
set -u
expects=() fails=0 needs=()
while [ $# -gt 0 ]; do
  case "$1" in
    --expect) expects+=("$2"); shift 2 ;;
    --fails) fails=1; shift ;;
    --needs) needs+=("$2"); shift 2 ;;
    --) shift; break ;;
    *) break ;;
  esac
done
for path in "${needs[@]}"; do
  if [ ! -e "$path" ]; then
    echo "SKIP: shared data not found at $path (set TERAMIND_DATA to the shared/data directory)"
    exit 77
  fi
done
output=$("$@" 2>&1); status=$?
printf '%s\n' "$output"
if [ "$fails" -eq 1 ] && [ "$status" -eq 0 ]; then echo "FAIL: expected a non-zero exit"; exit 1; fi
if [ "$fails" -eq 0 ] && [ "$status" -ne 0 ]; then echo "FAIL: exit status $status"; exit 1; fi
for pattern in "${expects[@]}"; do
  if ! printf '%s\n' "$output" | grep -Eq -- "$pattern"; then
    echo "FAIL: output does not match: $pattern"; exit 1
  fi
done
echo "PASS"
