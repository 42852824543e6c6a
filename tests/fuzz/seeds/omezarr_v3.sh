#!/usr/bin/env bash
# Seeds for fuzz_omezarr_v3: as omezarr_v2's, sharded (v3), one level-0 shard left pending.
OMEZARR_VERSION=v3 exec bash "$(dirname "${BASH_SOURCE[0]}")/omezarr_v2.sh"
