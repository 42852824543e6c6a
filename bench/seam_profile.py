#!/usr/bin/env python3
"""Gradient energy by column phase: where in the patch grid a generated image's edges lie.

    teramind export OUT.zarr --level 0 --out out.nrrd
    python3 bench/seam_profile.py out.nrrd --period 32

For each stain, the mean squared difference of horizontally adjacent pixels (x-1, x) grouped by
x mod PERIOD (0 = the pair across a patch border when PERIOD is the model's patch size), printed
against the mean over all pairs. Reads the NRRD `teramind export` writes (uint8, sizes
channels x width x height x planes, raw or gzip); the standard library only, so it runs wherever
python3 does.
"""
import argparse
import gzip
import sys


def read_nrrd(path):
    data = open(path, "rb").read()
    end = data.index(b"\n\n")
    fields = {}
    for line in data[:end].decode("ascii", "replace").splitlines()[1:]:
        if line.startswith("#") or ":" not in line:
            continue
        key, value = line.split(":", 1)
        fields[key.strip()] = value.strip().lstrip("=").strip()
    if fields.get("type") not in ("unsigned char", "uchar", "uint8"):
        sys.exit(f"{path}: type {fields.get('type')!r}, expected unsigned char (teramind export)")
    sizes = [int(v) for v in fields["sizes"].split()]
    if len(sizes) != 4:
        sys.exit(f"{path}: sizes {sizes}, expected channels width height planes")
    body = data[end + 2:]
    if fields.get("encoding") == "gzip":
        body = gzip.decompress(body)
    elif fields.get("encoding") != "raw":
        sys.exit(f"{path}: encoding {fields.get('encoding')!r}, expected raw or gzip")
    channels = fields.get("teramind_channels", "").split(",")
    return body, sizes, channels


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("nrrd")
    parser.add_argument("--period", type=int, default=32, help="the patch size in pixels")
    args = parser.parse_args()
    body, (nc, width, height, planes), names = read_nrrd(args.nrrd)
    if len(body) != nc * width * height * planes:
        sys.exit(f"{args.nrrd}: {len(body)} bytes, expected {nc * width * height * planes}")
    period = args.period
    for c in range(nc):
        energy, pairs = [0.0] * period, [0] * period
        for z in range(planes):
            for y in range(height):
                base = ((z * height + y) * width) * nc + c
                row = body[base:base + width * nc:nc]
                for x in range(1, width):
                    d = row[x] - row[x - 1]
                    energy[x % period] += d * d
                    pairs[x % period] += 1
        mean = sum(energy) / sum(pairs)
        name = names[c] if c < len(names) and names[c] else f"channel{c}"
        print(f"{name}: mean {mean:.2f}")
        print("  x mod {}: ".format(period)
              + " ".join(f"{i}:{energy[i] / pairs[i] / mean:.2f}" for i in range(period) if pairs[i]))


if __name__ == "__main__":
    main()
