#!/usr/bin/env python3
"""Convert an official Tera-MIND checkpoint (CTPLab/Tera-MIND, PyTorch Lightning `.ckpt`) into
the safetensors checkpoint `teramind` loads.

    python3 tools/convert_official_checkpoint.py last.ckpt official.safetensors \
        [--weights model|ema] [--config official-229|official-500] [--genes genes.txt]

The official LitModel keeps the trained network as `model.*` in `state_dict`. Those are the
default because they are what the official inference runs: `test_brn.py` loads every
`state_dict` entry except `ema_model.*` and strips `model.`, and the official `experiment.py`
has its EMA update commented out and builds no EMA copy (the filter in `test_brn.py` suggests
checkpoints of earlier code versions carry `ema_model.*` too). `--weights ema` takes
`ema_model.*` instead, for a checkpoint whose EMA was maintained. The script prints which
prefix it took and how many tensors; when that prefix is absent it fails naming the file and
listing the prefixes it found. Tensor names are kept exactly (our network uses the official
state-dict names, none of which contains `model.`), so the mapping is the prefix strip;
`teramind` refuses the file if any name or shape differs, naming the tensor.

The script needs only the Python standard library: it reads the checkpoint's zip archive and
unpickles it with a restricted unpickler that rebuilds tensors as raw little-endian bytes and
replaces every other class (optimizer state, configuration objects) by an inert stub, so no
code from the checkpoint runs. Legacy (non-zip, torch < 1.6) checkpoints are not supported.

--genes names the panel order (one gene per line, or a CSV whose first column holds the
names); without it the channels are named gene0, gene1, … . The official 229-gene model uses
the first 229 genes of the 500-gene panel in utils/63885_gnm.csv order.
"""

import argparse
import collections
import copyreg
import io
import json
import os
import pickle
import struct
import sys
import tempfile
import zipfile

DTYPES = {  # torch storage class → (safetensors dtype, bytes per element)
    "FloatStorage": ("F32", 4), "HalfStorage": ("F16", 2), "BFloat16Storage": ("BF16", 2),
    "DoubleStorage": ("F64", 8), "LongStorage": ("I64", 8), "IntStorage": ("I32", 4),
    "ShortStorage": ("I16", 2), "CharStorage": ("I8", 1), "ByteStorage": ("U8", 1),
    "BoolStorage": ("BOOL", 1),
}


class Stub:
    """Stands for any class the checkpoint mentions that we do not need."""

    def __init__(self, *args, **kwargs):
        self.args = args

    def __setstate__(self, state):
        self.state = state

    def __call__(self, *args, **kwargs):
        return Stub(*args)


class StorageType:
    def __init__(self, name):
        self.name = name


class Storage:
    def __init__(self, dtype, size, key, archive, prefix):
        self.dtype, self.itemsize = DTYPES[dtype]
        self.key, self.archive, self.prefix = key, archive, prefix
        self._bytes = None

    def bytes(self):
        if self._bytes is None:
            self._bytes = self.archive.read(f"{self.prefix}data/{self.key}")
        return self._bytes


class Tensor:
    def __init__(self, storage, offset, shape, stride):
        self.storage, self.offset, self.shape, self.stride = storage, offset, list(shape), list(stride)

    def numel(self):
        n = 1
        for d in self.shape:
            n *= d
        return n

    def raw(self):
        """Row-major little-endian bytes of the tensor."""
        size, data, n = self.storage.itemsize, self.storage.bytes(), self.numel()
        contiguous, expected = True, 1
        for d, s in zip(reversed(self.shape), reversed(self.stride)):
            if d != 1 and s != expected:
                contiguous = False
            expected *= d
        if contiguous:
            begin = self.offset * size
            if begin + n * size > len(data):
                raise ValueError("tensor extends past its storage")
            return data[begin:begin + n * size]
        out = bytearray()
        index = [0] * len(self.shape)
        for _ in range(n):
            element = self.offset + sum(i * s for i, s in zip(index, self.stride))
            out += data[element * size:(element + 1) * size]
            for axis in reversed(range(len(index))):
                index[axis] += 1
                if index[axis] < self.shape[axis]:
                    break
                index[axis] = 0
        return bytes(out)


def rebuild_tensor(storage, offset, shape, stride, *unused):
    return Tensor(storage, offset, shape, stride)


def rebuild_parameter(tensor, *unused):
    return tensor


class CheckpointUnpickler(pickle.Unpickler):
    def __init__(self, data, archive, prefix):
        super().__init__(io.BytesIO(data))
        self.archive, self.prefix = archive, prefix

    def find_class(self, module, name):
        if module == "torch._utils" and name == "_rebuild_tensor_v2":
            return rebuild_tensor
        if module == "torch._utils" and name == "_rebuild_parameter":
            return rebuild_parameter
        if module == "torch" and name in DTYPES:
            return StorageType(name)
        if module == "collections" and name == "OrderedDict":
            return collections.OrderedDict
        if module == "copyreg" and name == "_reconstructor":
            return copyreg._reconstructor
        if module == "builtins" and name in ("set", "frozenset", "slice", "object", "complex"):
            return getattr(__import__("builtins"), name)
        return type(name, (Stub,), {})

    def persistent_load(self, pid):
        if not (isinstance(pid, tuple) and pid and pid[0] == "storage"):
            raise pickle.UnpicklingError(f"unexpected persistent id {pid!r}")
        _, storage_type, key, _location, size = pid
        if not isinstance(storage_type, StorageType) or storage_type.name not in DTYPES:
            raise pickle.UnpicklingError(f"unsupported storage type {storage_type!r}")
        return Storage(storage_type.name, size, key, self.archive, self.prefix)


def load_checkpoint(path):
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        sys.exit(f"{path}: not a zip-format PyTorch checkpoint (torch >= 1.6 saves those)")
    pickles = [n for n in archive.namelist() if n.endswith("data.pkl")]
    if len(pickles) != 1:
        sys.exit(f"{path}: expected one data.pkl in the archive, found {len(pickles)}")
    prefix = pickles[0][: -len("data.pkl")]
    return CheckpointUnpickler(archive.read(pickles[0]), archive, prefix).load()


def read_genes(path):
    genes = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            name = line.strip().split(",")[0].strip().strip('"')
            if name:
                genes.append(name)
    return genes


def describe_prefixes(state):
    """'model.* (399), ema_model.* (399)': what a state_dict holds, for error messages."""
    counts = collections.Counter(k.split(".")[0] + ".*" if "." in k else k for k in state if isinstance(k, str))
    return ", ".join(f"{p} ({n})" for p, n in sorted(counts.items())) or "none"


def write_safetensors(path, tensors, metadata):
    header, blobs, offset = {"__metadata__": metadata}, [], 0
    for name in sorted(tensors):
        t = tensors[name]
        try:
            raw = t.raw()
        except (ValueError, KeyError) as e:  # storage too short or missing from the archive
            raise ValueError(f"tensor {name}: {e}") from e
        header[name] = {"dtype": t.storage.dtype, "shape": t.shape, "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    # Written beside the target and renamed over it, so a failure never leaves half a file.
    directory = os.path.dirname(os.path.abspath(path))
    try:
        fd, temporary = tempfile.mkstemp(prefix=".convert-", suffix=".tmp", dir=directory)
    except OSError as e:
        sys.exit(f"{path}: cannot write beside it ({e.strerror})")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(struct.pack("<Q", len(text)))
            f.write(text)
            for b in blobs:
                f.write(b)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("checkpoint")
    parser.add_argument("output")
    parser.add_argument("--weights", choices=["model", "ema"], default="model",
                        help="model: `model.*`, what the official inference runs (default); "
                             "ema: the exponential moving average `ema_model.*`")
    parser.add_argument("--config", help="configuration name (default: from the gene count)")
    parser.add_argument("--genes", help="gene panel, one name per line or CSV first column")
    args = parser.parse_args()

    checkpoint = load_checkpoint(args.checkpoint)
    state = checkpoint.get("state_dict", checkpoint) if isinstance(checkpoint, dict) else None
    if not isinstance(state, dict):
        sys.exit(f"{args.checkpoint}: no state_dict in the checkpoint")
    prefix = "ema_model." if args.weights == "ema" else "model."
    tensors = {k[len(prefix):]: v for k, v in state.items()
               if isinstance(k, str) and k.startswith(prefix) and isinstance(v, Tensor)}
    if not tensors:
        has_model = any(isinstance(k, str) and k.startswith("model.") for k in state)
        hint = " (the official training code keeps no EMA; omit --weights to take model.*)" \
            if args.weights == "ema" and has_model else ""
        sys.exit(f"{args.checkpoint}: state_dict has no '{prefix}*' tensors; "
                 f"prefixes found: {describe_prefixes(state)}{hint}")

    genes = None
    if "rna_blocks.0.0.down_z.weight" in tensors:
        genes = tensors["rna_blocks.0.0.down_z.weight"].shape[0]
    config = args.config or {229: "official-229", 500: "official-500"}.get(genes)
    if config is None:
        sys.exit(f"cannot tell the configuration from {genes} genes; pass --config")
    metadata = {"format": "teramind-model", "config_name": config, "weights": args.weights,
                "source": args.checkpoint}
    for key in ("global_step", "epoch"):
        if isinstance(checkpoint.get(key), int):
            metadata["step" if key == "global_step" else key] = str(checkpoint[key])
    if args.genes:
        names = read_genes(args.genes)
        if genes is not None and len(names) < genes:
            sys.exit(f"{args.genes}: lists {len(names)} genes, the model has {genes}")
        metadata["genes"] = json.dumps(names[:genes] if genes else names)
    try:
        write_safetensors(args.output, tensors, metadata)
    except ValueError as e:
        sys.exit(f"{args.checkpoint}: {e}")
    total = sum(t.numel() for t in tensors.values())
    why = "the official inference's weights" if args.weights == "model" else "the exponential moving average"
    print(f"weights: {prefix}* ({len(tensors)} tensors; {why})")
    print(f"tensors: {len(tensors)}")
    print(f"parameters: {total}")
    print(f"config: {config}")
    print(f"output: {args.output}")


if __name__ == "__main__":
    main()
