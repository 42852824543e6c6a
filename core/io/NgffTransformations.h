#pragma once

#ifndef TERAMIND_INSIDE_IO
#error "io/NgffTransformations.h is private to teramind_io (the SpatialData reader)"
#endif

// Private to the SpatialData reader: the NGFF coordinate transformations SpatialData writes
// (identity, scale, translation, affine, rotation, mapAxis, sequence) as one affine map over
// named axes, and the named coordinate systems they map an element to.

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace teramind {

// out = M · (in, 1): rows follow `output`, columns `input` then the constant.
struct AxisAffine {
  std::vector<std::string> input, output;
  std::vector<std::vector<double>> matrix;  // output.size() rows of input.size() + 1

  // The coefficient of input axis `from` in output axis `to` (0 when either is absent);
  // `from` empty: the constant.
  double coefficient(const std::string& to, const std::string& from) const;
  bool hasOutput(const std::string& axis) const;
};

// The x, y part of an element's map: x' = xx·x + xy·y + xz·z + tx, likewise y'.
struct PlaneMap {
  double xx = 1, xy = 0, xz = 0, tx = 0;
  double yx = 0, yy = 1, yz = 0, ty = 0;
  double determinant() const { return xx * yy - xy * yx; }
};

// One entry of an element's "coordinateTransformations": where it maps to and how.
struct CoordinateSystemMapping {
  std::string system;  // the output coordinate system's name ("global")
  std::string unit;    // its x axis's unit as written ("micrometer", "unit", "" when absent)
  AxisAffine map;
};

// Parses an element's "coordinateTransformations" list. `elementAxes` names the intrinsic
// axes when a transformation does not ("x", "y"[, "z"] for points, "c", "y", "x" for images).
// Throws FileError naming `file`, the entry (`where`[i]) and the problem: an unknown type, a
// wrong number of values, a non-finite number, a missing output system.
std::vector<CoordinateSystemMapping> parseCoordinateTransformations(
    const nlohmann::json& list, const std::vector<std::string>& elementAxes,
    const std::filesystem::path& file, const std::string& where);

// The map's x, y part. Throws FileError when it has no x or y output or when it is not
// invertible in the plane (a zero or non-finite determinant), naming `what`.
PlaneMap planeMapOf(const AxisAffine& map, const std::filesystem::path& file,
                    const std::string& what);

// Micrometres per unit of a coordinate system's axis unit ("micrometer" 1, "nanometer" 0.001,
// "millimeter" 1000 …); 0 when the unit is not a length it knows ("unit", "pixel", "").
double micrometresPerUnit(const std::string& unit);

}  // namespace teramind
