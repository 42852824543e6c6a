#!/usr/bin/env bash
# Seeds for fuzz_condition_vdb: the same real binned conditions as condition_h5, as OpenVDB.
CONDITION_EXT=vdb exec bash "$(dirname "${BASH_SOURCE[0]}")/condition_h5.sh"
