#!/usr/bin/env python3
"""Small volumes cropped from a real attached-header NRRD (gzip or raw), for the nrrd_header
and nifti seeds. Pure Python (the standard library), so the seed scripts need only python3.

    volume-seeds.py nrrd SOURCE.nrrd OUT.nrrd SIDE gzip|raw
    volume-seeds.py nifti SOURCE.nrrd OUT.nii SIDE
"""
import gzip
import struct
import sys

SIZES = {"uint8": 1, "unsigned char": 1, "uchar": 1, "short": 2, "int16": 2, "ushort": 2,
         "uint16": 2, "unsigned short": 2, "int": 4, "int32": 4, "uint": 4, "uint32": 4,
         "unsigned int": 4, "float": 4, "double": 8}
NIFTI_TYPES = {1: 2, 2: 4, 4: 8, 8: 64}  # bytes per voxel -> a NIfTI datatype of that size


def read_nrrd(path):
    data = open(path, "rb").read()
    end = data.index(b"\n\n")
    lines = data[:end].decode("ascii").split("\n")
    fields = dict(l.split(": ", 1) for l in lines[1:] if ": " in l and not l.startswith("#"))
    body = data[end + 2:]
    if fields.get("encoding") in ("gzip", "gz"):
        body = gzip.decompress(body)
    sizes = [int(s) for s in fields["sizes"].split()]
    return lines, fields, sizes, body, SIZES[fields["type"]]


def crop(sizes, body, width, side):
    out = bytearray()
    o = [max(0, s // 2 - side // 2) for s in sizes]
    for k in range(side):
        for j in range(side):
            start = (((o[2] + k) * sizes[1] + o[1] + j) * sizes[0] + o[0]) * width
            out += body[start:start + side * width]
    return bytes(out)


def main():
    kind, source, out, side = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    lines, fields, sizes, body, width = read_nrrd(source)
    voxels = crop(sizes, body, width, side)
    if kind == "nrrd":
        encoding = sys.argv[5]
        header = []
        for line in lines:
            if line.startswith("sizes:"):
                line = "sizes: %d %d %d" % (side, side, side)
            elif line.startswith("encoding:"):
                line = "encoding: " + encoding
            header.append(line)
        data = gzip.compress(voxels, mtime=0) if encoding == "gzip" else voxels
        open(out, "wb").write(("\n".join(header) + "\n\n").encode("ascii") + data)
        return
    spacing = [float(v) for v in fields.get("space directions", "(1,0,0) (0,1,0) (0,0,1)")
               .replace("(", " ").replace(")", " ").replace(",", " ").split()][::4] or [1, 1, 1]
    hdr = struct.pack("<i10s18sihsB", 348, b"", b"", 0, 0, b"r", 0)
    hdr += struct.pack("<8h", 3, side, side, side, 1, 1, 1, 1)
    hdr += struct.pack("<3f", 0, 0, 0) + struct.pack("<hhhh", 0, NIFTI_TYPES[width], 8 * width, 0)
    hdr += struct.pack("<8f", 1, spacing[0], spacing[1], spacing[2], 1, 1, 1, 1)
    hdr += struct.pack("<f", 352) + struct.pack("<ff", 1, 0) + struct.pack("<hbb", 0, 2, 0)
    hdr += struct.pack("<ffff", 0, 0, 0, 0) + struct.pack("<ii", 0, 0)
    hdr += struct.pack("<80s24s", b"cropped from " + source.split("/")[-1].encode(), b"")
    hdr += struct.pack("<hh", 0, 1) + struct.pack("<6f", 0, 0, 0, 0, 0, 0)
    hdr += struct.pack("<4f", spacing[0], 0, 0, 0) + struct.pack("<4f", 0, spacing[1], 0, 0)
    hdr += struct.pack("<4f", 0, 0, spacing[2], 0) + struct.pack("<16s4s", b"", b"n+1\0")
    assert len(hdr) == 348, len(hdr)
    open(out, "wb").write(hdr + b"\0\0\0\0" + voxels)


main()
