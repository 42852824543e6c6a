#pragma once

#ifndef TERAMIND_INSIDE_IO
#error "io/WkbGeometry.h is private to teramind_io (the SpatialData shapes reader)"
#endif

// Private to the SpatialData reader: the geometries of a GeoParquet "geometry" column, written
// as Well-Known Binary (ISO, or PostGIS EWKB with Z / SRID flags): points, polygons and
// multipolygons, either byte order. Every count is checked against the bytes left, so a
// damaged value ends in WkbError, never in a large allocation or a read past its end.

#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace teramind {

class WkbError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct WkbGeometry {
  enum class Kind { Point, Polygon, MultiPolygon };
  Kind kind = Kind::Point;
  // Point: one ring of one vertex. Polygon: its exterior ring (holes are dropped: an outline
  // is its exterior). MultiPolygon: each part's exterior ring. Rings are open (the closing
  // vertex that repeats the first is removed). z, when written, is dropped.
  std::vector<std::vector<std::pair<double, double>>> rings;
};

// Throws WkbError saying what is wrong and at which byte.
WkbGeometry decodeWkb(std::string_view bytes);

}  // namespace teramind
