"""Writes TIFFs that state their pixel size as microscopy software does, with Debian's
python3-tifffile (an independent writer), for tests/core/TiffPixelSizeTest.cpp. Usage:
    /usr/bin/python3 write_tifffile_images.py FOLDER
writes, each 64 x 48 uint16:
    ome_um.ome.tif      OME-TIFF, PhysicalSizeX 0.108 µm, PhysicalSizeY 0.216 µm (tiled 32 x 32,
                        with a 2-level SubIFD pyramid, as QuPath and bfconvert write them)
    ome_nm.ome.tif      OME-TIFF, PhysicalSizeX/Y 325 nm
    imagej_um.tif       ImageJ hyperstack, unit=um, XResolution/YResolution 1 / 0.5 px per µm
    imagej_inch.tif     ImageJ, unit=inch at 300 dpi (a figure's; not a microscope's pixel size)
"""
import os
import sys

import numpy as np
import tifffile


def main():
    folder = sys.argv[1]
    os.makedirs(folder, exist_ok=True)
    image = (np.arange(48 * 64, dtype=np.uint16) % 4096).reshape(48, 64)

    path = os.path.join(folder, "ome_um.ome.tif")
    with tifffile.TiffWriter(path, ome=True) as tif:
        options = dict(tile=(32, 32), photometric="minisblack",
                       metadata={"axes": "YX", "PhysicalSizeX": 0.108, "PhysicalSizeXUnit": "µm",
                                 "PhysicalSizeY": 0.216, "PhysicalSizeYUnit": "µm"})
        tif.write(image, subifds=1, **options)
        tif.write(image[::2, ::2], subfiletype=1, tile=(32, 32), photometric="minisblack")

    tifffile.imwrite(os.path.join(folder, "ome_nm.ome.tif"), image, ome=True,
                     photometric="minisblack",
                     metadata={"axes": "YX", "PhysicalSizeX": 325, "PhysicalSizeXUnit": "nm",
                               "PhysicalSizeY": 325, "PhysicalSizeYUnit": "nm"})

    tifffile.imwrite(os.path.join(folder, "imagej_um.tif"), image, imagej=True,
                     resolution=(1 / 0.5, 1 / 0.5), metadata={"unit": "um", "axes": "YX"})

    tifffile.imwrite(os.path.join(folder, "imagej_inch.tif"), image, imagej=True,
                     resolution=(300, 300), metadata={"unit": "inch", "axes": "YX"})


if __name__ == "__main__":
    main()
