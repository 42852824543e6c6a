#pragma once

#ifndef TERAMIND_INSIDE_IO
#error "io/ZarrImagePlane.h is private to teramind_io (stain images of SpatialData stores)"
#endif

// Private to teramind_io: one channel's y × x plane of a Zarr array as other tools write
// OME-Zarr images (SpatialData, ome-zarr-py): Zarr v2, or v3 without sharding; any chunk
// shape; unsigned 8- or 16-bit; blosc, zlib/gzip or no compression. Read by window, chunk by
// chunk, so an image of any size is never read whole. (OmeZarrStore reads and writes the
// project's own layout, c, z, y, x in square 8-bit chunks.)

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace teramind {

class ZarrImagePlane {
 public:
  // `array`: the array's folder (a level of a multiscale image); `axes`: its dimension names in
  // order, from the multiscales metadata (must hold "y" and "x"; "c" picks `channel`, "z"
  // picks `z`, any other axis — t — is read at index 0). Throws FileError naming the header
  // and the field.
  ZarrImagePlane(const std::filesystem::path& array, const std::vector<std::string>& axes,
                 int channel, int z = 0);

  std::int64_t width() const { return shape_[xAxis_]; }
  std::int64_t height() const { return shape_[yAxis_]; }
  std::int64_t channels() const { return cAxis_ < 0 ? 1 : shape_[std::size_t(cAxis_)]; }
  std::int64_t planes() const { return zAxis_ < 0 ? 1 : shape_[std::size_t(zAxis_)]; }
  int bitsPerSample() const { return bytesPerSample_ * 8; }
  std::int64_t chunkWidth() const { return chunks_[xAxis_]; }
  std::int64_t chunkHeight() const { return chunks_[yAxis_]; }
  // Whether the chunk (chunkRow, chunkCol) of this channel and z was written (its file exists):
  // a chunk never written reads as the fill value.
  bool hasChunk(std::int64_t chunkRow, std::int64_t chunkCol) const;

  // The values of [x0, x0 + w) × [y0, y0 + h) px, row-major; the fill value outside the image
  // and where a chunk was never written. FileError for a damaged chunk, naming its file.
  std::vector<std::uint16_t> readWindow(std::int64_t x0, std::int64_t y0, std::int64_t w,
                                        std::int64_t h) const;

 private:
  enum class Codec { None, Blosc, Zlib };
  std::filesystem::path array_;
  std::filesystem::path header_;
  std::vector<std::int64_t> shape_, chunks_;
  std::size_t xAxis_ = 0, yAxis_ = 0;
  int cAxis_ = -1, zAxis_ = -1;
  int channel_ = 0, z_ = 0;
  int bytesPerSample_ = 1;
  bool bigEndian_ = false;
  Codec codec_ = Codec::None;
  std::uint16_t fill_ = 0;
  bool v3_ = false;
  std::string keyPrefix_;  // v3 default encoding: "c/"
  char separator_ = '.';

  void readV2Header(const std::vector<std::string>& axes);
  void readV3Header(const std::vector<std::string>& axes);
  std::filesystem::path chunkFile(const std::vector<std::int64_t>& index) const;
  // The chunk index of this channel and z with y, x at (chunkRow, chunkCol).
  std::vector<std::int64_t> chunkIndex(std::int64_t chunkRow, std::int64_t chunkCol) const;
  std::vector<std::uint8_t> readChunk(const std::filesystem::path& file) const;
};

}  // namespace teramind
