#!/usr/bin/env bash
# `teramind seams` on a copy of a generated output whose job names a dataset that is gone: the
# generated figures, and the reference said to be unavailable, with why.
set -eu
teramind=$1 output=$2 copy=$3
rm -rf "$copy"
cp -r "$output" "$copy"
sed -i 's#"data":"[^"]*"#"data":"/nonexistent/gone_dataset.json"#' "$copy/teramind-job.json"
exec "$teramind" seams "$copy"
