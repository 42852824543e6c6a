#!/usr/bin/env python3
"""Crops a real baseline TIFF (one uncompressed strip image, 8/16-bit gray, as MERSCOPE's VPT
test mosaics are) into a small TIFF for fuzz seeds: tiled (16 × 16 tiles) or striped, classic
little-endian, uncompressed. Pure Python, so the seed scripts need nothing beyond python3.

    tiff-crop.py SOURCE OUT SIZE tiled|striped
"""
import struct
import sys


def read_gray(path):
    data = open(path, "rb").read()
    if data[:4] != b"II*\0":
        raise SystemExit(f"{path}: not a little-endian classic TIFF")
    (ifd,) = struct.unpack_from("<I", data, 4)
    (count,) = struct.unpack_from("<H", data, ifd)
    tags = {}
    for i in range(count):
        tag, kind, n, value = struct.unpack_from("<HHII", data, ifd + 2 + 12 * i)
        if kind == 3 and n == 1:
            value &= 0xFFFF
        tags[tag] = value
    width, height, bits = tags[256], tags[257], tags[258]
    if tags.get(259, 1) != 1 or tags[273] is None:
        raise SystemExit(f"{path}: compressed; only uncompressed sources are cropped")
    return data, tags[273], width, height, bits // 8


def write_tiff(out, size, bytes_per_sample, pixel_rows, tiled):
    tile = 16
    blocks = []
    if tiled:
        for ty in range(0, size, tile):
            for tx in range(0, size, tile):
                block = b""
                for y in range(ty, ty + tile):
                    row = pixel_rows[y] if y < size else b"\0" * size * bytes_per_sample
                    chunk = row[tx * bytes_per_sample:(tx + tile) * bytes_per_sample]
                    block += chunk + b"\0" * (tile * bytes_per_sample - len(chunk))
                blocks.append(block)
    else:
        blocks = [b"".join(pixel_rows[y:y + tile]) for y in range(0, size, tile)]
    header = 8
    offsets, position = [], header
    for block in blocks:
        offsets.append(position)
        position += len(block)
    arrays_at = position
    offsets_at, counts_at = arrays_at, arrays_at + 4 * len(blocks)
    ifd_at = counts_at + 4 * len(blocks)
    entries = [(256, 4, 1, size), (257, 4, 1, size), (258, 3, 1, 8 * bytes_per_sample),
               (259, 3, 1, 1), (262, 3, 1, 1), (277, 3, 1, 1)]
    if tiled:
        entries += [(322, 3, 1, tile), (323, 3, 1, tile), (324, 4, len(blocks), offsets_at),
                    (325, 4, len(blocks), counts_at)]
    else:
        entries += [(273, 4, len(blocks), offsets_at), (278, 4, 1, tile),
                    (279, 4, len(blocks), counts_at)]
    entries.sort()
    out_bytes = b"II*\0" + struct.pack("<I", ifd_at) + b"".join(blocks)
    out_bytes += b"".join(struct.pack("<I", o) for o in offsets)
    out_bytes += b"".join(struct.pack("<I", len(b)) for b in blocks)
    out_bytes += struct.pack("<H", len(entries))
    for tag, kind, n, value in entries:
        packed = struct.pack("<HHI", tag, kind, n)
        packed += struct.pack("<HH", value, 0) if kind == 3 else struct.pack("<I", value)
        out_bytes += packed
    out_bytes += struct.pack("<I", 0)
    open(out, "wb").write(out_bytes)


def main():
    source, out, size, layout = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    data, strip, width, height, bps = read_gray(source)
    size = min(size, width, height)
    rows = [data[strip + y * width * bps:strip + (y * width + size) * bps] for y in range(size)]
    write_tiff(out, size, bps, rows, layout == "tiled")


if __name__ == "__main__":
    main()
