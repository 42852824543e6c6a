#include "io/NiftiHeader.h"

#include <cmath>
#include <cstring>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <string>

#include <zlib.h>

#include "common/FileError.h"

namespace teramind {
namespace {

constexpr std::uint64_t kMaxVoxels = std::uint64_t{1} << 42;  // as Image3D
constexpr std::uint64_t kGzipMaxRatio = 1032;                 // deflate's best case
constexpr std::size_t kNifti2HeaderBytes = 540;

// Reads a little- or big-endian scalar at `offset` of `bytes`.
template <typename T>
T scalarAt(std::string_view bytes, std::size_t offset, bool swapped) {
  unsigned char raw[sizeof(T)];
  std::memcpy(raw, bytes.data() + offset, sizeof(T));
  if (swapped)
    for (std::size_t i = 0; i < sizeof(T) / 2; ++i) std::swap(raw[i], raw[sizeof(T) - 1 - i]);
  T value;
  std::memcpy(&value, raw, sizeof(T));
  return value;
}

std::int32_t swapped32(std::int32_t value) {
  const auto u = static_cast<std::uint32_t>(value);
  return static_cast<std::int32_t>((u >> 24) | ((u >> 8) & 0xff00u) | ((u << 8) & 0xff0000u) |
                                   (u << 24));
}

// NIfTI datatype codes and their bytes per voxel (DT_BINARY, one bit, is refused).
int bytesOfDatatype(int datatype) {
  static const std::map<int, int> bytes = {
      {2, 1},   {4, 2},   {8, 4},    {16, 4},   {32, 8},    {64, 8},    {128, 3},   {256, 1},
      {512, 2}, {768, 4}, {1024, 8}, {1280, 8}, {1536, 16}, {1792, 16}, {2048, 32}, {2304, 4}};
  const auto it = bytes.find(datatype);
  return it == bytes.end() ? 0 : it->second;
}

bool isGzip(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  unsigned char magic[2] = {0, 0};
  in.read(reinterpret_cast<char*>(magic), 2);
  return in.gcount() == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
}

class GzipFile {
 public:
  explicit GzipFile(const std::filesystem::path& file)
      : path_(file.string()), gz_(gzopen(file.c_str(), "rb")) {
    if (!gz_) throw FileError(file, "cannot be opened");
  }
  ~GzipFile() {
    if (gz_) gzclose(gz_);
  }
  GzipFile(const GzipFile&) = delete;
  GzipFile& operator=(const GzipFile&) = delete;
  // Bytes read, or -1 on a corrupt or truncated stream.
  int read(char* into, unsigned count) { return gzread(gz_, into, count); }
  // Z_OK after a whole stream; Z_BUF_ERROR when it breaks off (gzread then just returns 0).
  int errorCode() {
    int code = Z_OK;
    gzerror(gz_, &code);
    return code;
  }
  std::string error() {
    int code = Z_OK;
    std::string message = gzerror(gz_, &code);
    const std::string prefix = path_ + ": ";
    if (message.rfind(prefix, 0) == 0) message.erase(0, prefix.size());
    return message.empty() ? "corrupt gzip stream" : message;
  }

 private:
  std::string path_;
  gzFile gz_;
};

std::string firstBytes(const std::filesystem::path& file, bool gzipped) {
  std::string bytes(kNifti2HeaderBytes, '\0');
  int got = 0;
  if (gzipped) {
    GzipFile gz(file);
    got = gz.read(bytes.data(), static_cast<unsigned>(bytes.size()));
    if (got < 0) throw FileError(file, "header: " + gz.error());
  } else {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw FileError(file, "cannot be opened");
    in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    got = static_cast<int>(in.gcount());
  }
  bytes.resize(static_cast<std::size_t>(got));
  return bytes;
}

// The floating-point fields ITK turns into spacing, origin and direction, as doubles.
struct NiftiGeometry {
  double pixdim[8];
  int qformCode, sformCode;
  double quatern[3];  // b, c, d
  double qoffset[3];
  double srow[3][4];
};

NiftiGeometry geometryOf(std::string_view bytes, int version, bool swapped) {
  NiftiGeometry g{};
  const auto real = [&](std::size_t offset) {
    return version == 1 ? static_cast<double>(scalarAt<float>(bytes, offset, swapped))
                        : scalarAt<double>(bytes, offset, swapped);
  };
  const std::size_t size = version == 1 ? 4 : 8;
  const std::size_t pixdim = version == 1 ? 76 : 104;
  const std::size_t quatern = version == 1 ? 256 : 352;
  const std::size_t srow = version == 1 ? 280 : 400;
  for (std::size_t i = 0; i < 8; ++i) g.pixdim[i] = real(pixdim + i * size);
  g.qformCode = version == 1 ? scalarAt<std::int16_t>(bytes, 252, swapped)
                             : scalarAt<std::int32_t>(bytes, 344, swapped);
  g.sformCode = version == 1 ? scalarAt<std::int16_t>(bytes, 254, swapped)
                             : scalarAt<std::int32_t>(bytes, 348, swapped);
  for (std::size_t i = 0; i < 3; ++i) {
    g.quatern[i] = real(quatern + i * size);
    g.qoffset[i] = real(quatern + (3 + i) * size);
  }
  for (std::size_t r = 0; r < 3; ++r)
    for (std::size_t c = 0; c < 4; ++c) g.srow[r][c] = real(srow + (r * 4 + c) * size);
  return g;
}

// ITK computes the orientation in float (vnl_svd<float>, which aborts on a non-finite matrix):
// bounded magnitudes keep its squares and determinants finite, and a lower bound on spacing
// keeps the columns it normalises away from zero.
constexpr double kMaxGeometryMagnitude = 1e12;
constexpr double kMinSpacing = 1e-12;

// Spacing, origin and direction as ITK's NiftiImageIO derives them: pixdim always, the qform
// when qform_code is set, the sform when sform_code is set (ITK decomposes it with an SVD
// before deciding whether to prefer it, so a set sform is checked even when a qform exists).
void checkGeometry(const NiftiGeometry& g, std::int64_t dim0,
                   const std::function<void(const std::string&, const std::string&)>& fail) {
  const auto number = [](double value) { return std::to_string(value); };
  const auto checkFinite = [&](const std::string& field, double value) {
    if (!std::isfinite(value)) fail(field, "is " + number(value) + ", not a finite number");
    if (std::abs(value) > kMaxGeometryMagnitude)
      fail(field, "is " + number(value) + ", larger than 1e12 in magnitude");
  };
  checkFinite("pixdim[0] (qfac)", g.pixdim[0]);
  for (std::int64_t d = 1; d <= dim0; ++d) {
    const std::string field = "pixdim[" + std::to_string(d) + "]";
    checkFinite(field, g.pixdim[d]);
    if (d <= 3 && !(g.pixdim[d] >= kMinSpacing))
      fail(field, "is " + number(g.pixdim[d]) + "; a voxel spacing must be positive");
  }
  if (g.qformCode != 0) {
    static const char* const quaternNames[] = {"quatern_b", "quatern_c", "quatern_d"};
    static const char* const offsetNames[] = {"qoffset_x", "qoffset_y", "qoffset_z"};
    double squares = 0;
    for (int i = 0; i < 3; ++i) {
      checkFinite(quaternNames[i], g.quatern[i]);
      checkFinite(offsetNames[i], g.qoffset[i]);
      squares += g.quatern[i] * g.quatern[i];
    }
    // A rotation's b^2 + c^2 + d^2 is at most 1; the library renormalises small overshoots.
    if (squares > 1.0001)
      fail("quatern_b/c/d", "b^2 + c^2 + d^2 is " + number(squares) +
                                ", more than 1: not a rotation (qform_code " +
                                std::to_string(g.qformCode) + ")");
  }
  if (g.sformCode != 0) {
    static const char* const rowNames[] = {"srow_x", "srow_y", "srow_z"};
    for (int r = 0; r < 3; ++r)
      for (int c = 0; c < 4; ++c)
        checkFinite(std::string(rowNames[r]) + "[" + std::to_string(c) + "]", g.srow[r][c]);
    double norms[3];
    for (int c = 0; c < 3; ++c) {
      norms[c] = std::sqrt(g.srow[0][c] * g.srow[0][c] + g.srow[1][c] * g.srow[1][c] +
                           g.srow[2][c] * g.srow[2][c]);
      if (!(norms[c] >= kMinSpacing))
        fail("srow", "column " + std::to_string(c) +
                         " of the sform is zero: no voxel spacing along that axis (sform_code " +
                         std::to_string(g.sformCode) + ")");
    }
    const auto& m = g.srow;
    const double det = m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) -
                       m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) +
                       m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
    // The determinant of the normalised columns: +-1 for orthogonal axes, 0 for parallel ones.
    if (!(std::abs(det / (norms[0] * norms[1] * norms[2])) >= 1e-6))
      fail("srow",
           "the sform's axes are parallel or coplanar: its 3x3 part is singular "
           "(sform_code " +
               std::to_string(g.sformCode) + ")");
  }
}

}  // namespace

NiftiHeader parseNiftiHeader(const std::filesystem::path& file, std::string_view bytes,
                             bool gzipped, std::uint64_t fileSize) {
  const auto fail = [&](const std::string& field, const std::string& problem) {
    throw FileError(file, field + ": " + problem);
  };
  if (bytes.size() < 348)
    fail("header", "the file holds " + std::to_string(bytes.size()) +
                       " bytes, fewer than a NIfTI header's 348");
  NiftiHeader h;
  h.gzipped = gzipped;
  const auto sizeofHdr = scalarAt<std::int32_t>(bytes, 0, false);
  bool swapped = false;
  if (sizeofHdr == 348 || sizeofHdr == 540) {
    h.version = sizeofHdr == 348 ? 1 : 2;
  } else if (swapped32(sizeofHdr) == 348 || swapped32(sizeofHdr) == 540) {
    swapped = true;
    h.version = swapped32(sizeofHdr) == 348 ? 1 : 2;
  } else {
    fail("sizeof_hdr", "is " + std::to_string(sizeofHdr) + ", not 348 (NIfTI-1) or 540 (NIfTI-2)");
  }
  if (h.version == 2 && bytes.size() < kNifti2HeaderBytes)
    fail("header", "shorter than a NIfTI-2 header's 540 bytes");

  std::int64_t dim0 = 0;
  double voxOffset = 0;
  if (h.version == 1) {
    const std::string_view magic = bytes.substr(344, 4);
    if (magic == std::string_view("ni1\0", 4))
      fail("magic", "a header with its voxels in a separate .img file is not supported");
    if (magic != std::string_view("n+1\0", 4))
      fail("magic", "not the single-file NIfTI-1 magic n+1 (an Analyze file?)");
    dim0 = scalarAt<std::int16_t>(bytes, 40, swapped);
    h.datatype = scalarAt<std::int16_t>(bytes, 70, swapped);
    voxOffset = scalarAt<float>(bytes, 108, swapped);
  } else {
    if (bytes.substr(4, 8) != std::string_view("n+2\0\r\n\032\n", 8))
      fail("magic", "not the single-file NIfTI-2 magic n+2");
    h.datatype = scalarAt<std::int16_t>(bytes, 12, swapped);
    dim0 = scalarAt<std::int64_t>(bytes, 16, swapped);
    voxOffset = static_cast<double>(scalarAt<std::int64_t>(bytes, 168, swapped));
  }
  if (dim0 < 1 || dim0 > 7) fail("dim[0]", "is " + std::to_string(dim0) + ", not 1 to 7");
  h.voxelCount = 1;
  for (int d = 1; d <= dim0; ++d) {
    const std::int64_t size = h.version == 1 ? scalarAt<std::int16_t>(bytes, 40 + 2 * d, swapped)
                                             : scalarAt<std::int64_t>(bytes, 16 + 8 * d, swapped);
    if (size < 1)
      fail("dim[" + std::to_string(d) + "]", "is " + std::to_string(size) + ", not positive");
    if (static_cast<std::uint64_t>(size) > kMaxVoxels / h.voxelCount)
      fail("dim", "more than 2^42 voxels");
    h.voxelCount *= static_cast<std::uint64_t>(size);
    h.dims.push_back(size);
  }
  checkGeometry(geometryOf(bytes, h.version, swapped), dim0, fail);
  h.bytesPerVoxel = bytesOfDatatype(h.datatype);
  if (h.bytesPerVoxel == 0) fail("datatype", "unknown code " + std::to_string(h.datatype));
  // Value scaling: finite, and none for RGB voxels (NIfTI does not scale them, and ITK 5.2
  // scales them past its own buffer: a heap overflow found by fuzz_nifti).
  const double slope =
      h.version == 1 ? scalarAt<float>(bytes, 112, swapped) : scalarAt<double>(bytes, 176, swapped);
  const double inter =
      h.version == 1 ? scalarAt<float>(bytes, 116, swapped) : scalarAt<double>(bytes, 184, swapped);
  if (!std::isfinite(slope) || !std::isfinite(inter))
    fail("scl_slope", "value scaling is not finite");
  const bool rgb = h.datatype == 128 || h.datatype == 2304;
  if (rgb && ((slope != 0 && slope != 1) || inter != 0))
    fail("scl_slope", "RGB voxels cannot be scaled (slope " + std::to_string(slope) +
                          ", intercept " + std::to_string(inter) + ")");
  const double headerBytes = h.version == 1 ? 348 : 540;
  if (!std::isfinite(voxOffset) || voxOffset < headerBytes || voxOffset != std::floor(voxOffset) ||
      voxOffset > 1e15)
    fail("vox_offset", "is " + std::to_string(voxOffset) + ", not a whole offset after the " +
                           std::to_string(static_cast<int>(headerBytes)) + "-byte header");
  h.voxelOffset = static_cast<std::uint64_t>(voxOffset);
  if (!gzipped) {
    if (h.voxelOffset > fileSize)
      fail("vox_offset", std::to_string(h.voxelOffset) + " is past the end of the " +
                             std::to_string(fileSize) + "-byte file");
    if (fileSize - h.voxelOffset < h.voxelBytes())
      fail("dim", std::to_string(h.voxelCount) + " voxels need " + std::to_string(h.voxelBytes()) +
                      " bytes after vox_offset; the file holds " +
                      std::to_string(fileSize - h.voxelOffset));
  } else if (h.expectedStreamBytes() / kGzipMaxRatio > fileSize + 1024) {
    fail("dim", std::to_string(h.voxelBytes()) + " bytes of voxels, more than a gzip stream of " +
                    std::to_string(fileSize) + " bytes can hold");
  }
  return h;
}

NiftiHeader readNiftiHeader(const std::filesystem::path& file) {
  std::error_code error;
  const std::uint64_t fileSize = std::filesystem::file_size(file, error);
  if (error) throw FileError(file, "cannot read its size: " + error.message());
  const bool gzipped = isGzip(file);
  return parseNiftiHeader(file, firstBytes(file, gzipped), gzipped, fileSize);
}

void checkNiftiComplete(const std::filesystem::path& file) {
  std::error_code error;
  const std::uint64_t fileSize = std::filesystem::file_size(file, error);
  if (error) throw FileError(file, "cannot read its size: " + error.message());
  const bool gzipped = isGzip(file);
  // Parsed as if the file were complete, so a short one is called incomplete, not corrupt.
  const NiftiHeader header = parseNiftiHeader(file, firstBytes(file, gzipped), gzipped,
                                              std::numeric_limits<std::uint64_t>::max() / 2);
  const std::uint64_t expected = header.expectedStreamBytes();
  if (!gzipped) {
    if (fileSize < expected)
      throw FileError(file, "incomplete: " + std::to_string(fileSize) + " of " +
                                std::to_string(expected) + " bytes of header and voxels written");
    return;
  }
  GzipFile gz(file);
  std::vector<char> buffer(1 << 20);
  std::uint64_t total = 0;
  while (true) {
    const int got = gz.read(buffer.data(), static_cast<unsigned>(buffer.size()));
    if (got <= 0) break;  // the end, or an error errorCode() reports
    total += static_cast<std::uint64_t>(got);
  }
  if (gz.errorCode() != Z_OK || total < expected)
    throw FileError(file, "incomplete: its gzip stream breaks off after " + std::to_string(total) +
                              " of " + std::to_string(expected) + " bytes of header and voxels (" +
                              gz.error() + ")");
}

}  // namespace teramind
