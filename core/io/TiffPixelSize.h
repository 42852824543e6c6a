#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace teramind {

// A TIFF's physical pixel size, as the file states it (QuPath, napari-tifffile and Fiji read the
// same places).
struct TiffPixelSize {
  double umX = 1, umY = 1;
  // Where it was read: "OME-XML PhysicalSizeX/Y", "ImageJ unit=micron with XResolution/
  // YResolution", "ResolutionUnit cm with XResolution/YResolution" …
  std::string from;
};

// The first page's tags that can state a pixel size, for readTiffPixelSize (and for tests and
// fuzzing without a file). `description` may be megabytes of OME-XML: it is scanned, not copied.
struct TiffResolutionTags {
  std::string_view description;                    // ImageDescription, empty when absent
  std::optional<double> xResolution, yResolution;  // pixels per ResolutionUnit
  std::optional<std::uint16_t> resolutionUnit;     // 1 none, 2 inch, 3 cm; absent: nullopt
};

// Sizes outside these bounds are not physical and are ignored (with a note).
inline constexpr double kMinPixelSizeUm = 1e-6;  // 1 pm: below any microscope
inline constexpr double kMaxPixelSizeUm = 1e6;   // 1 m
// Inch and cm resolutions are written by default by many programs (72 or 96 dpi: ~350 µm; 300
// or 600 dpi for figures: 85 or 42 µm), and ImageJ turns them into its unit=inch/cm calibration;
// they are taken as a microscope's pixel size only within these bounds (a 2 × objective's
// camera pixel is a few µm).
inline constexpr double kMinMicroscopyPixelUm = 0.01;
inline constexpr double kMaxMicroscopyPixelUm = 20;

// The pixel size the tags state, looked for in this order: the OME-XML <Pixels> element's
// PhysicalSizeX/Y (and their units; µm when absent), an ImageJ description's unit= with
// XResolution/YResolution, then ResolutionUnit inch or cm with XResolution/YResolution (only
// within the microscopy bounds above). Nullopt when none says one; `note` (cleared first) then
// or otherwise tells what was ignored or assumed and why, and is empty when there is nothing to
// say.
std::optional<TiffPixelSize> pixelSizeFromTiffTags(const TiffResolutionTags& tags,
                                                   std::string* note = nullptr);

// The first page's physical pixel size, or nullopt when the file says none (or says a nonsense
// one: then `note` tells what was ignored and why). FileError for a file that is not a
// readable TIFF (named).
std::optional<TiffPixelSize> readTiffPixelSize(const std::filesystem::path& tiff,
                                               std::string* note = nullptr);

}  // namespace teramind
