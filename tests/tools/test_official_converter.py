#!/usr/bin/env python3
"""End-to-end check of tools/convert_official_checkpoint.py without PyTorch.

Writes a checkpoint laid out as torch.save writes a Lightning checkpoint (zip archive with
data.pkl whose tensors are torch._utils._rebuild_tensor_v2 over persistent 'storage' ids, plus
optimizer state and a configuration object), for every tensor `teramind model info --config
CONFIG --tensors` lists, one tensor stored transposed (non-contiguous) and one in fp16. Then
converts it and checks every tensor's bytes and that `teramind model info --weights` loads it.

    test_official_converter.py TERAMIND CONVERTER WORKDIR [CONFIG]
"""

import collections
import json
import pickle
import re
import struct
import subprocess
import sys
import types
import zipfile
from pathlib import Path

teramind, converter, workdir = sys.argv[1], sys.argv[2], Path(sys.argv[3])
config = sys.argv[4] if len(sys.argv) > 4 else "tiny"
workdir.mkdir(parents=True, exist_ok=True)

# A stand-in `torch` with what torch.save pickles by name.
torch = types.ModuleType("torch")
torch_utils = types.ModuleType("torch._utils")
sys.modules["torch"], sys.modules["torch._utils"] = torch, torch_utils
for storage in ("FloatStorage", "HalfStorage"):
    setattr(torch, storage, type(storage, (), {"__module__": "torch"}))


def _rebuild_tensor_v2(*args):
    raise AssertionError("never called while writing")


_rebuild_tensor_v2.__module__ = "torch._utils"
torch_utils._rebuild_tensor_v2 = _rebuild_tensor_v2
config_module = types.ModuleType("config")
sys.modules["config"] = config_module


class TrainConfig:  # an official configuration object inside hyper_parameters
    def __init__(self):
        self.lr, self.rna_num = 2e-5, 229


TrainConfig.__module__ = "config"
config_module.TrainConfig = TrainConfig


class FakeStorage:
    def __init__(self, key, kind, data, count):
        self.key, self.kind, self.data, self.count = key, kind, data, count


class FakeTensor:
    def __init__(self, storage, shape, stride):
        self.storage, self.shape, self.stride = storage, shape, stride

    def __reduce_ex__(self, protocol):
        return (_rebuild_tensor_v2, (self.storage, 0, tuple(self.shape), tuple(self.stride), False,
                                     collections.OrderedDict()))


class CheckpointPickler(pickle.Pickler):
    def persistent_id(self, obj):
        if isinstance(obj, FakeStorage):
            return ("storage", getattr(torch, obj.kind), obj.key, "cpu", obj.count)
        return None


info = subprocess.run([teramind, "model", "info", "--config", config, "--tensors"], check=True,
                      capture_output=True, text=True).stdout
shapes = {}
for line in info.splitlines():
    m = re.fullmatch(r"(\S+) \[([0-9, ]*)\]", line)
    if m:
        shapes[m.group(1)] = [int(d) for d in m.group(2).split(",") if d.strip()]
expected_parameters = int(re.search(r"^parameters: (\d+)$", info, re.M).group(1))
assert shapes, "no tensors listed"

storages, state, expected = [], collections.OrderedDict(), {}
transposed = next(n for n, s in shapes.items() if len(s) == 2 and s[0] != s[1])
halved = next(n for n, s in shapes.items() if n != transposed and len(s) == 1)


def add_tensor(name, shape, seed):
    count = 1
    for d in shape:
        count *= d
    values = [((i * 7 + seed) % 251) / 64.0 - 1.5 for i in range(count)]  # exact in fp16 too
    kind, fmt, dtype = ("HalfStorage", "e", "F16") if name.endswith(halved) else ("FloatStorage", "f", "F32")
    if name.endswith(transposed):  # stored column-major: strides (1, rows)
        rows, cols = shape
        stored = [values[r * cols + c] for c in range(cols) for r in range(rows)]
        stride = [1, rows]
    else:
        stored, stride = values, []
        acc = 1
        for d in reversed(shape):
            stride.insert(0, acc)
            acc *= d
    data = struct.pack(f"<{count}{fmt}", *stored)
    storage = FakeStorage(str(len(storages)), kind, data, count)
    storages.append(storage)
    state[name] = FakeTensor(storage, shape, stride)
    return dtype, struct.pack(f"<{count}{fmt}", *values)


for i, (name, shape) in enumerate(shapes.items()):
    add_tensor("model." + name, shape, i + 100)
    expected[name] = add_tensor("ema_model." + name, shape, i)

moment = FakeStorage(str(len(storages)), "FloatStorage", struct.pack("<2f", 0.5, 0.25), 2)
storages.append(moment)
checkpoint = {
    "epoch": 3,
    "global_step": 1234,
    "state_dict": state,
    "optimizer_states": [{"state": {0: {"exp_avg": FakeTensor(moment, [2], [1])}}}],
    "hyper_parameters": {"conf": TrainConfig()},
}
ckpt = workdir / "last.ckpt"
with zipfile.ZipFile(ckpt, "w") as z:
    buffer = __import__("io").BytesIO()
    CheckpointPickler(buffer, protocol=2).dump(checkpoint)
    z.writestr("last/data.pkl", buffer.getvalue())
    for s in storages:
        z.writestr(f"last/data/{s.key}", s.data)
    z.writestr("last/version", "3\n")

genes = workdir / "genes.txt"
gene_count = shapes["rna_blocks.0.0.down_z.weight"][0]
genes.write_text("".join(f"Gene{i},extra\n" for i in range(gene_count + 5)))
out = workdir / "converted.safetensors"
result = subprocess.run([sys.executable, converter, str(ckpt), str(out), "--config", config, "--genes", str(genes)],
                        capture_output=True, text=True)
print(result.stdout, result.stderr)
assert result.returncode == 0, "converter failed"

raw = out.read_bytes()
n = struct.unpack("<Q", raw[:8])[0]
header = json.loads(raw[8:8 + n])
data = raw[8 + n:]
meta = header.pop("__metadata__")
assert meta["config_name"] == config and meta["weights"] == "ema" and meta["step"] == "1234", meta
assert json.loads(meta["genes"]) == [f"Gene{i}" for i in range(gene_count)], meta["genes"]
assert set(header) == set(shapes), set(header) ^ set(shapes)
for name, (dtype, values) in expected.items():
    entry = header[name]
    begin, end = entry["data_offsets"]
    assert entry["shape"] == shapes[name], name
    assert entry["dtype"] == dtype, (name, entry["dtype"])
    assert data[begin:end] == values, f"bytes of {name} differ"

loaded = subprocess.run([teramind, "model", "info", "--weights", str(out)], capture_output=True, text=True)
print(loaded.stdout, loaded.stderr)
assert loaded.returncode == 0, "teramind could not load the converted checkpoint"
assert f"parameters: {expected_parameters}" in loaded.stdout
print(f"converted {len(shapes)} tensors ({expected_parameters} parameters); "
      f"transposed {transposed}, fp16 {halved}: all bytes match")
