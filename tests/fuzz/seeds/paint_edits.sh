#!/usr/bin/env bash
# Seeds for fuzz_paint_edits: written by condition_document.sh (one real document, both corpora).
exec bash "$(dirname "${BASH_SOURCE[0]}")/condition_document.sh"
