#pragma once

#ifndef TERAMIND_INSIDE_IO
#error "io/SpatialDataStore.h is private to teramind_io (use io/SpatialDataset.h)"
#endif

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "io/MorphologyImageFile.h"
#include "transcriptomics/ReadProgress.h"
#include "transcriptomics/SpatialTranscriptome.h"
#include "transcriptomics/TextFormatReaders.h"

namespace teramind {

struct SpatialDataset;
enum class DatasetContent;

// A SpatialData store (scverse spatialdata, Zarr v2 or v3 on disk) as spatialdata writes it:
//   .zattrs / zarr.json                  root attributes with "spatialdata_attrs"
//   points/<name>/points.parquet/        part.0.parquet, part.1.parquet … (x, y[, z], the
//                                        feature_key column of the element's spatialdata_attrs)
//   shapes/<name>/shapes.parquet         GeoParquet: "geometry" as WKB (polygons, multipolygons,
//                                        or points with a "radius" column: circles)
//   images/<name>/                       OME-Zarr multiscales (c[, z], y, x), channel names in
//                                        omero
//   labels/, tables/                     listed, not read
// Each element's "coordinateTransformations" (identity, scale, translation, affine, rotation,
// mapAxis, sequence) map it to named coordinate systems ("global"); what is read is placed in
// one of them, in µm (the unit its x axis names; a store that names none is read as µm, and
// `unitNote` says so).
class SpatialDataStore {
 public:
  enum class Kind { Points, Shapes, Images, Labels, Tables };
  struct Element {
    Kind kind = Kind::Points;
    std::string name;
    std::filesystem::path path;            // the element's group folder
    std::vector<std::string> systems;      // coordinate systems it maps to (not tables)
    std::filesystem::path attributesFile;  // its .zattrs or zarr.json
  };

  // The store's root folder, or an element's folder inside one (root/points/NAME …). Throws
  // FileError when it is neither, or when the root or an element's attributes are unreadable.
  explicit SpatialDataStore(const std::filesystem::path& path);

  // Whether `path` is a store or an element's folder inside one, judged by its attributes
  // ("spatialdata_attrs") or, for a folder named *.zarr, by points/, shapes/ or images/ in it.
  static bool isStore(const std::filesystem::path& path);
  // The kind's folder name in a store ("points", "shapes", ...).
  static const char* kindName(Kind kind);

  const std::filesystem::path& root() const { return root_; }
  const std::vector<Element>& elements() const { return elements_; }
  std::vector<const Element*> elementsOf(Kind kind) const;
  // The element the path named (root/points/NAME), if it named one.
  const Element* namedElement() const { return named_ ? &elements_[*named_] : nullptr; }
  // Every coordinate system some element maps to, sorted.
  std::vector<std::string> coordinateSystems() const;

  // The system to read in: "global" when an element maps there, else the only one; FileError
  // listing them when there are several and none is "global".
  std::string defaultCoordinateSystem() const;

  // The points element to read: the one the path named, else the only one; FileError listing
  // them when there are several (name one by its folder: STORE/points/NAME), none when the
  // store holds no points.
  const Element* pointsToRead() const;

  // One points element in `system`, µm, feature_key → gene (controls flagged by name), z
  // as a plane index when every z is a whole number (MERSCOPE's global_z), else one plane.
  // Streams part by part, row group by row group. FileError naming the part, the row group
  // and the problem: a missing or damaged part, no feature_key or missing column, a
  // non-finite coordinate, a transformation that is unknown or not invertible.
  TranscriptTable readPoints(const Element& points, const std::string& system,
                             const ReadProgress& progress = {}) const;

  // One shapes element's outlines in `system`, µm: polygons by their exterior ring (one
  // outline per part of a multipolygon), circles (points with a radius) as 32-gons. Ids from
  // the first column that is not geometry or radius (the index), else the row number.
  std::vector<CellPolygon> readShapes(const Element& shapes, const std::string& system,
                                      const ReadProgress& progress = {}) const;

  // One channel and plane of an image element placed in `system`: level 0's extent in µm.
  // FileError when the transformation rotates, shears or flips it (stain images are read
  // axis-aligned). The plane: the z index of an image with a z axis, else the k of a name
  // ending "_z<k>" (spatialdata-io's MERSCOPE images, one element per z-plane), else 0.
  struct ImageChannel {
    std::string name;  // omero's label ("DAPI"), or "channel N"
    int channel = 0;
    int z = 0;           // index along the image's z axis
    int plane = 0;       // the section plane it shows
    std::string level0;  // the full-resolution array's folder inside the image's ("0")
    std::vector<std::string> axes;
    ImageExtentUm extent;
  };
  std::vector<ImageChannel> imageChannels(const Element& image, const std::string& system) const;

  // What the unit of `system` is, as its elements' transformations name it, and whether it
  // was read as µm without the store saying so (a sentence for `info`, or empty).
  std::string unitNote(const std::string& system) const;

 private:
  std::filesystem::path root_;
  std::vector<Element> elements_;
  std::optional<std::size_t> named_;  // index into elements_ (copies stay valid)
};

// A store as a SpatialDataset: the points element's transcripts (unless `content` asks for
// stain images only), every image channel as a stain, every shapes element as cell outlines,
// all in the default coordinate system. The store holds no plane spacing: placement's stays
// MERSCOPE's 1.5 µm.
SpatialDataset loadSpatialDataStore(const std::filesystem::path& path, const ReadProgress& progress,
                                    DatasetContent content);

}  // namespace teramind
