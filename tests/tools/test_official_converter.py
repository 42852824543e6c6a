#!/usr/bin/env python3
"""End-to-end check of tools/convert_official_checkpoint.py without PyTorch.

Writes checkpoints laid out as torch.save writes a Lightning checkpoint (zip archive with
data.pkl whose tensors are torch._utils._rebuild_tensor_v2 over persistent 'storage' ids, plus
optimizer state and a configuration object), for every tensor `teramind model info --config
CONFIG --tensors` lists, one tensor stored transposed (non-contiguous) and one in fp16:
  - one with only `model.*`, as the official training code (EMA update commented out) saves;
  - one with `model.*` and `ema_model.*` holding different values.
Converts them and checks, by every tensor's bytes, that the default takes `model.*` (what the
official test_brn.py loads), that `--weights ema` takes `ema_model.*`, that `--weights ema`
on the first fails naming the file and the prefixes found, and that `teramind model info
--weights` loads each converted file.

    test_official_converter.py TERAMIND CONVERTER WORKDIR [CONFIG]
"""

import collections
import io
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

transposed = next(n for n, s in shapes.items() if len(s) == 2 and s[0] != s[1])
halved = next(n for n, s in shapes.items() if n != transposed and len(s) == 1)
TENSOR_COUNT = len(shapes)


def write_checkpoint(path, seeds):
    """Writes a Lightning-shaped checkpoint with one copy of the network per prefix in `seeds`
    (prefix → seed offset, so copies differ); returns {prefix: {name: (dtype, bytes)}}."""
    storages, state, expected = [], collections.OrderedDict(), {}

    def add_tensor(name, full_name, shape, seed):
        count = 1
        for d in shape:
            count *= d
        values = [((i * 7 + seed) % 251) / 64.0 - 1.5 for i in range(count)]  # exact in fp16 too
        kind, fmt, dtype = ("HalfStorage", "e", "F16") if name == halved else ("FloatStorage", "f", "F32")
        if name == transposed:  # stored column-major: strides (1, rows)
            rows, cols = shape
            stored = [values[r * cols + c] for c in range(cols) for r in range(rows)]
            stride = [1, rows]
        else:
            stored, stride = values, []
            acc = 1
            for d in reversed(shape):
                stride.insert(0, acc)
                acc *= d
        storage = FakeStorage(str(len(storages)), kind, struct.pack(f"<{count}{fmt}", *stored), count)
        storages.append(storage)
        state[full_name] = FakeTensor(storage, shape, stride)
        return dtype, struct.pack(f"<{count}{fmt}", *values)

    for prefix, offset in seeds.items():
        expected[prefix] = {name: add_tensor(name, prefix + name, shape, i + offset)
                            for i, (name, shape) in enumerate(shapes.items())}
    moment = FakeStorage(str(len(storages)), "FloatStorage", struct.pack("<2f", 0.5, 0.25), 2)
    storages.append(moment)
    checkpoint = {
        "epoch": 3,
        "global_step": 1234,
        "state_dict": state,
        "optimizer_states": [{"state": {0: {"exp_avg": FakeTensor(moment, [2], [1])}}}],
        "hyper_parameters": {"conf": TrainConfig()},
    }
    with zipfile.ZipFile(path, "w") as z:
        buffer = io.BytesIO()
        CheckpointPickler(buffer, protocol=2).dump(checkpoint)
        z.writestr("last/data.pkl", buffer.getvalue())
        for s in storages:
            z.writestr(f"last/data/{s.key}", s.data)
        z.writestr("last/version", "3\n")
    return expected


genes = workdir / "genes.txt"
gene_count = shapes["rna_blocks.0.0.down_z.weight"][0]
genes.write_text("".join(f"Gene{i},extra\n" for i in range(gene_count + 5)))


def convert(ckpt, out, *extra):
    if out.exists():
        out.unlink()
    result = subprocess.run([sys.executable, converter, str(ckpt), str(out), "--config", config,
                             "--genes", str(genes), *extra], capture_output=True, text=True)
    print(f"$ convert {ckpt.name} {' '.join(extra)} -> rc {result.returncode}")
    print(result.stdout, result.stderr)
    return result


def check_converted(result, out, expected, weights):
    """The converted file holds exactly `expected` (name → dtype, bytes) and teramind loads it."""
    assert result.returncode == 0, "converter failed"
    prefix = "model." if weights == "model" else "ema_model."
    assert f"weights: {prefix}* ({TENSOR_COUNT} tensors; " in result.stdout, result.stdout
    raw = out.read_bytes()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    data = raw[8 + n:]
    meta = header.pop("__metadata__")
    assert meta["config_name"] == config and meta["weights"] == weights and meta["step"] == "1234", meta
    assert json.loads(meta["genes"]) == [f"Gene{i}" for i in range(gene_count)], meta["genes"]
    assert set(header) == set(shapes), set(header) ^ set(shapes)
    for name, (dtype, values) in expected.items():
        entry = header[name]
        begin, end = entry["data_offsets"]
        assert entry["shape"] == shapes[name], name
        assert entry["dtype"] == dtype, (name, entry["dtype"])
        assert data[begin:end] == values, f"{out.name}: bytes of {name} differ from {prefix}{name}"
    loaded = subprocess.run([teramind, "model", "info", "--weights", str(out)], capture_output=True, text=True)
    print(loaded.stdout, loaded.stderr)
    assert loaded.returncode == 0, f"teramind could not load {out}"
    assert f"parameters: {expected_parameters}" in loaded.stdout


# 1. Only `model.*`, as the official experiment.py saves: the default converts it.
only_model = workdir / "only_model.ckpt"
expected_only = write_checkpoint(only_model, {"model.": 100})
out = workdir / "only_model_default.safetensors"
check_converted(convert(only_model, out), out, expected_only["model."], "model")

# ... and `--weights ema` fails, naming the file and the prefixes it found, writing nothing.
out = workdir / "only_model_ema.safetensors"
result = convert(only_model, out, "--weights", "ema")
assert result.returncode != 0, "--weights ema on a checkpoint without ema_model.* succeeded"
assert str(only_model) in result.stderr, "the failure does not name the checkpoint"
assert "no 'ema_model.*' tensors" in result.stderr, result.stderr
assert f"prefixes found: model.* ({TENSOR_COUNT})" in result.stderr, "the failure does not list the prefixes"
assert "Traceback" not in result.stderr, "the converter crashed instead of refusing"
assert not out.exists(), "a refused conversion left an output file"

# 2. Both prefixes with different values: the default takes `model.*`, `--weights ema` the EMA.
both = workdir / "both.ckpt"
expected_both = write_checkpoint(both, {"model.": 100, "ema_model.": 0})
assert all(expected_both["model."][n] != expected_both["ema_model."][n] for n in shapes), "copies must differ"
out = workdir / "both_default.safetensors"
check_converted(convert(both, out), out, expected_both["model."], "model")
out = workdir / "both_ema.safetensors"
check_converted(convert(both, out, "--weights", "ema"), out, expected_both["ema_model."], "ema")
out = workdir / "both_model.safetensors"
check_converted(convert(both, out, "--weights", "model"), out, expected_both["model."], "model")

leftovers = [p.name for p in workdir.iterdir() if p.name.startswith(".convert-")]
assert not leftovers, f"temporary files left behind: {leftovers}"
print(f"converted {TENSOR_COUNT} tensors ({expected_parameters} parameters); transposed {transposed}, "
      f"fp16 {halved}: default model.*, --weights ema ema_model.*, all bytes match; "
      "--weights ema without ema_model.* refused")
