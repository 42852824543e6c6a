#!/usr/bin/env bash
# Seeds for fuzz_safetensors: the bundled demo model's real header and its smallest tensors
# (offsets rewritten), and its header with the data cut off.
source "$(dirname "${BASH_SOURCE[0]}")/table-seed-helpers.sh"
corpus_for safetensors
python3 - "$ROOT/resources/models/demo.safetensors" "$CORPUS" <<'PY'
import json, struct, sys
data = open(sys.argv[1], "rb").read()
(n,) = struct.unpack_from("<Q", data, 0)
header = json.loads(data[8:8 + n])
body = data[8 + n:]
meta = header.pop("__metadata__", None)
for count, name in ((3, "small3"), (12, "small12")):
    chosen = sorted(header.items(), key=lambda kv: kv[1]["data_offsets"][1] - kv[1]["data_offsets"][0])[:count]
    out, blob = {}, b""
    for key, t in sorted(chosen):
        a, b = t["data_offsets"]
        out[key] = dict(t, data_offsets=[len(blob), len(blob) + b - a])
        blob += body[a:b]
    if meta: out["__metadata__"] = meta
    text = json.dumps(out, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    open(f"{sys.argv[2]}/seed-{name}.safetensors", "wb").write(struct.pack("<Q", len(text)) + text + blob)
cut = data[:8 + n][:60000]
open(f"{sys.argv[2]}/seed-header-cut.safetensors", "wb").write(cut)
PY
check_sizes
