#include "io/WkbGeometry.h"

#include <cstdint>
#include <cstring>

#include <fmt/core.h>

#include "transcriptomics/CellPolygonRing.h"

namespace teramind {
namespace {

class Reader {
 public:
  explicit Reader(std::string_view bytes) : bytes_(bytes) {}

  std::size_t offset() const { return at_; }
  std::size_t left() const { return bytes_.size() - at_; }
  [[noreturn]] void fail(const std::string& problem) const {
    throw WkbError(fmt::format("WKB at byte {}: {}", at_, problem));
  }

  std::uint8_t byte() {
    if (left() < 1) fail("ends early");
    return static_cast<std::uint8_t>(bytes_[at_++]);
  }
  std::uint32_t u32(bool little) { return std::uint32_t(unsignedOf(4, little)); }
  double f64(bool little) {
    const std::uint64_t v = unsignedOf(8, little);
    double d = 0;
    std::memcpy(&d, &v, sizeof d);
    return d;
  }
  // A count of items of at least `itemBytes` each: never more than the bytes left allow.
  std::uint32_t count(bool little, std::size_t itemBytes, const char* what) {
    const std::uint32_t n = u32(little);
    if (std::uint64_t(n) * itemBytes > left())
      fail(fmt::format("{} {} need more than the {} bytes left", n, what, left()));
    return n;
  }

 private:
  // The next `width` bytes as an unsigned integer, in the byte order the geometry states.
  std::uint64_t unsignedOf(int width, bool little) {
    if (left() < std::size_t(width)) fail("ends early");
    std::uint64_t v = 0;
    for (int i = 0; i < width; ++i) {
      const auto b = std::uint64_t(static_cast<std::uint8_t>(bytes_[at_ + std::size_t(i)]));
      v |= little ? b << (8 * i) : b << (8 * (width - 1 - i));
    }
    at_ += std::size_t(width);
    return v;
  }

  std::string_view bytes_;
  std::size_t at_ = 0;
};

struct Header {
  bool little = true;
  std::uint32_t type = 0;  // 1 point, 3 polygon, 6 multipolygon
  int dims = 2;            // 2, or 3 with z (or m), 4 with both
};

Header header(Reader& in) {
  Header h;
  const std::uint8_t order = in.byte();
  if (order > 1) in.fail(fmt::format("byte order {} is neither 0 nor 1", order));
  h.little = order == 1;
  std::uint32_t code = in.u32(h.little);
  // PostGIS EWKB: flags in the high bits (Z 0x80000000, M 0x40000000, SRID 0x20000000).
  const bool ewkbZ = code & 0x80000000u, ewkbM = code & 0x40000000u;
  if (code & 0x20000000u) in.u32(h.little);  // the SRID
  code &= 0x0FFFFFFFu;
  // ISO: 1000s add Z, 2000s M, 3000s both.
  const std::uint32_t iso = code / 1000;
  if (iso > 3) in.fail(fmt::format("geometry type {} is not WKB", code));
  h.type = code % 1000;
  h.dims = 2 + (ewkbZ || iso == 1 || iso == 3) + (ewkbM || iso == 2 || iso == 3);
  return h;
}

std::vector<std::pair<double, double>> ring(Reader& in, const Header& h) {
  const std::uint32_t n = in.count(h.little, std::size_t(8 * h.dims), "vertices");
  std::vector<std::pair<double, double>> vertices;
  vertices.reserve(n);
  for (std::uint32_t i = 0; i < n; ++i) {
    const double x = in.f64(h.little), y = in.f64(h.little);
    for (int d = 2; d < h.dims; ++d) in.f64(h.little);
    vertices.emplace_back(x, y);
  }
  openRing(vertices);
  return vertices;
}

// A polygon's exterior ring; its holes are read past.
std::vector<std::pair<double, double>> polygon(Reader& in, const Header& h) {
  const std::uint32_t rings = in.count(h.little, 4, "rings");
  if (rings == 0) in.fail("an empty polygon (no rings)");
  auto exterior = ring(in, h);
  for (std::uint32_t r = 1; r < rings; ++r) ring(in, h);
  if (exterior.size() < 3)
    in.fail(fmt::format("a polygon's exterior ring has {} vertices (3 or more make an outline)",
                        exterior.size()));
  return exterior;
}

}  // namespace

WkbGeometry decodeWkb(std::string_view bytes) {
  Reader in(bytes);
  const Header h = header(in);
  WkbGeometry g;
  switch (h.type) {
    case 1: {
      g.kind = WkbGeometry::Kind::Point;
      const double x = in.f64(h.little), y = in.f64(h.little);
      for (int d = 2; d < h.dims; ++d) in.f64(h.little);
      g.rings.push_back({{x, y}});
      break;
    }
    case 3:
      g.kind = WkbGeometry::Kind::Polygon;
      g.rings.push_back(polygon(in, h));
      break;
    case 6: {
      g.kind = WkbGeometry::Kind::MultiPolygon;
      const std::uint32_t parts = in.count(h.little, 9, "polygons");
      for (std::uint32_t p = 0; p < parts; ++p) {
        const Header part = header(in);
        if (part.type != 3) in.fail(fmt::format("a multipolygon's part of type {}", part.type));
        g.rings.push_back(polygon(in, part));
      }
      break;
    }
    default:
      in.fail(
          fmt::format("geometry type {} (only points, polygons and multipolygons are "
                      "outlines: 1, 3, 6)",
                      h.type));
  }
  if (in.left() != 0) in.fail(fmt::format("{} bytes after the geometry", in.left()));
  return g;
}

}  // namespace teramind
