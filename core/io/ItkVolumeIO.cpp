#include "io/ItkVolumeIO.h"

#include <cctype>
#include <fstream>
#include <limits>
#include <map>
#include <set>
#include <sstream>
#include <string_view>

#include <itkImageIOBase.h>
#include <itkJPEGImageIO.h>
#include <itkMetaDataObject.h>
#include <itkNiftiImageIO.h>
#include <itkNrrdImageIO.h>
#include <itkPNGImageIO.h>
#include <itkTIFFImageIO.h>
#include <zlib.h>
#include <nlohmann/json.hpp>

#include "common/AtomicFileWrite.h"
#include "io/NiftiHeader.h"
#include "io/NrrdDataCheck.h"
#include "io/NrrdHeader.h"
#include "io/TiffDirectoryCheck.h"
#include "io/TiffImage.h"

namespace teramind::itkio {
namespace {

constexpr const char* kChannelKey = "teramind_channels";

// The ImageIO for the format our file name says. ITK's ImageIOFactory would instead ask every
// registered IO whether it can read the bytes, so a ".tif" holding a PNG went to libpng, which
// aborts the process on a bad chunk (issue 21, fuzz finding): we decide, never the content.
itk::ImageIOBase::Pointer imageIoFor(VolumeFormat format) {
  switch (format) {
    case VolumeFormat::Nrrd:
      return itk::NrrdImageIO::New().GetPointer();
    case VolumeFormat::Nifti:
      return itk::NiftiImageIO::New().GetPointer();
    case VolumeFormat::Tiff:
      return itk::TIFFImageIO::New().GetPointer();
    case VolumeFormat::Png:
      return itk::PNGImageIO::New().GetPointer();
    case VolumeFormat::Jpeg:
      return itk::JPEGImageIO::New().GetPointer();
    case VolumeFormat::OpenVdb:
      break;
  }
  return nullptr;
}

std::string firstBytes(const std::filesystem::path& file, std::size_t count) {
  std::ifstream in(file, std::ios::binary);
  std::string bytes(count, '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(count));
  bytes.resize(static_cast<std::size_t>(std::max<std::streamsize>(in.gcount(), 0)));
  return bytes;
}

bool startsWith(const std::string& bytes, std::string_view prefix) {
  return bytes.compare(0, prefix.size(), prefix) == 0;
}

bool isTiffMagic(const std::string& b) {
  using namespace std::string_view_literals;
  return startsWith(b, "II*\0"sv) || startsWith(b, "MM\0*"sv) ||  // classic TIFF
         startsWith(b, "II+\0"sv) || startsWith(b, "MM\0+"sv);    // BigTIFF
}
bool isPngSignature(const std::string& b) {
  return startsWith(b, "\x89PNG\r\n\x1a\n");
}
bool isJpegMarker(const std::string& b) {
  return startsWith(b, "\xff\xd8\xff");
}

// What the first bytes look like, for the message refusing them.
std::string describeStart(const std::string& b) {
  if (isPngSignature(b)) return "starts with the PNG signature";
  if (isJpegMarker(b)) return "starts with a JPEG marker";
  if (isTiffMagic(b)) return "starts with the TIFF magic";
  if (startsWith(b, "NRRD")) return "starts with the NRRD magic";
  if (startsWith(b, "\x1f\x8b")) return "starts with a gzip header";
  if (b.size() < 4) return "holds only " + std::to_string(b.size()) + " bytes";
  static const char* const hex = "0123456789abcdef";
  std::string shown;
  for (std::size_t i = 0; i < 4; ++i) {
    const auto byte = static_cast<unsigned char>(b[i]);
    shown += (i ? " " : "") + std::string{hex[byte >> 4], hex[byte & 15]};
  }
  return "starts with the bytes " + shown;
}

std::uint32_t bigEndian32(const unsigned char* b) {
  return (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) | (std::uint32_t{b[2]} << 8) |
         std::uint32_t{b[3]};
}

// ITK's PNGImageIO::ReadImageInformation calls png_read_info without a setjmp, so any libpng
// error there (a bad chunk before the first IDAT) aborts the process. The chunks up to the
// first IDAT are checked here as libpng would; errors in the image data reach ITK's Read(),
// which does catch them.
void checkPngChunksBeforeData(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::uint64_t offset = 8;  // after the signature
  in.seekg(8);
  bool sawHeader = false, sawPalette = false;
  int colourType = -1;
  while (true) {
    unsigned char head[8];
    in.read(reinterpret_cast<char*>(head), 8);
    const std::string where = " at byte offset " + std::to_string(offset);
    if (in.gcount() != 8) throw FileError(file, "PNG: the file ends before an IDAT chunk" + where);
    const std::uint32_t length = bigEndian32(head);
    const std::string type(reinterpret_cast<const char*>(head + 4), 4);
    for (const char ch : type)
      if (!std::isalpha(static_cast<unsigned char>(ch)))
        throw FileError(file, "PNG: not a chunk type" + where);
    const std::string chunk = "PNG chunk " + type + where + ": ";
    if (type == "IDAT") {
      if (!sawHeader) throw FileError(file, chunk + "comes before IHDR");
      if (colourType == 3 && !sawPalette)
        throw FileError(file, chunk + "a palette image has no PLTE before its data");
      return;
    }
    // Chunks before the image data are small; libpng's own limit on one is 8 MB.
    if (length > 8'000'000) throw FileError(file, chunk + "longer than 8 MB");
    std::string body(length, '\0');
    in.read(body.data(), static_cast<std::streamsize>(length));
    unsigned char crc[4];
    in.read(reinterpret_cast<char*>(crc), 4);
    if (in.gcount() != 4) throw FileError(file, chunk + "the file ends inside it");
    uLong expected = crc32(0L, head + 4, 4);
    expected = crc32(expected, reinterpret_cast<const Bytef*>(body.data()), length);
    if (expected != bigEndian32(crc)) throw FileError(file, chunk + "CRC mismatch");
    const auto* b = reinterpret_cast<const unsigned char*>(body.data());
    if (!sawHeader && type != "IHDR") throw FileError(file, chunk + "the first chunk must be IHDR");
    if (type == "IHDR") {
      if (sawHeader) throw FileError(file, chunk + "a second IHDR");
      if (length != 13) throw FileError(file, chunk + "not 13 bytes long");
      const std::uint32_t width = bigEndian32(b), height = bigEndian32(b + 4);
      const int depth = b[8];
      colourType = b[9];
      if (width < 1 || height < 1 || width > 1'000'000 || height > 1'000'000)
        throw FileError(file, chunk + "width and height must be 1 to 1,000,000");
      static const std::map<int, std::set<int>> depths = {
          {0, {1, 2, 4, 8, 16}}, {2, {8, 16}}, {3, {1, 2, 4, 8}}, {4, {8, 16}}, {6, {8, 16}}};
      const auto allowed = depths.find(colourType);
      if (allowed == depths.end() || !allowed->second.count(depth))
        throw FileError(file, chunk + "bit depth " + std::to_string(depth) + " with colour type " +
                                  std::to_string(colourType) + " is not valid");
      if (b[10] != 0 || b[11] != 0 || b[12] > 1)
        throw FileError(file, chunk + "unknown compression, filter or interlace method");
      sawHeader = true;
    } else if (type == "PLTE") {
      if (sawPalette) throw FileError(file, chunk + "a second PLTE");
      if (colourType == 0 || colourType == 4)
        throw FileError(file, chunk + "a grey image cannot have a palette");
      if (length == 0 || length % 3 != 0 || length > 768)
        throw FileError(file, chunk + "not 1 to 256 RGB entries");
      sawPalette = true;
    } else if (std::isupper(static_cast<unsigned char>(type[0]))) {
      throw FileError(file, chunk + "an unknown critical chunk (or IEND before any IDAT)");
    }
    offset += 12 + std::uint64_t{length};
  }
}

// The bytes must be what the extension says before an ITK reader (libtiff, libpng, libjpeg)
// sees them. NRRD and NIfTI are checked in full by our own header readers.
void checkMagic(const std::filesystem::path& file, VolumeFormat format) {
  const std::string start = firstBytes(file, 8);
  bool matches = true;
  if (format == VolumeFormat::Tiff) matches = isTiffMagic(start);
  if (format == VolumeFormat::Png) matches = isPngSignature(start);
  if (format == VolumeFormat::Jpeg) matches = isJpegMarker(start);
  if (!matches)
    throw FileError(
        file, "is not a " + volumeFormatName(format) + " file (it " + describeStart(start) + ")");
  if (format == VolumeFormat::Png) checkPngChunksBeforeData(file);
}

// ITK descriptions carry file/line noise; keep the first meaningful line.
std::string describe(const itk::ExceptionObject& e) {
  std::string text = e.GetDescription();
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text.empty() ? "unreadable" : text;
}

VoxelType toVoxelType(itk::IOComponentEnum component, const std::filesystem::path& file) {
  using C = itk::IOComponentEnum;
  switch (component) {
    case C::UCHAR:
      return VoxelType::UInt8;
    case C::CHAR:
      return VoxelType::Int8;
    case C::USHORT:
      return VoxelType::UInt16;
    case C::SHORT:
      return VoxelType::Int16;
    case C::UINT:
      return VoxelType::UInt32;
    case C::INT:
      return VoxelType::Int32;
    case C::ULONG:
    case C::ULONGLONG:
      return VoxelType::UInt64;
    case C::LONG:
    case C::LONGLONG:
      return VoxelType::Int64;
    case C::FLOAT:
      return VoxelType::Float32;
    case C::DOUBLE:
      return VoxelType::Float64;
    default:
      break;
  }
  throw FileError(file, "unsupported voxel component type " +
                            itk::ImageIOBase::GetComponentTypeAsString(component));
}

itk::IOComponentEnum toComponent(VoxelType type) {
  using C = itk::IOComponentEnum;
  switch (type) {
    case VoxelType::UInt8:
      return C::UCHAR;
    case VoxelType::Int8:
      return C::CHAR;
    case VoxelType::UInt16:
      return C::USHORT;
    case VoxelType::Int16:
      return C::SHORT;
    case VoxelType::UInt32:
      return C::UINT;
    case VoxelType::Int32:
      return C::INT;
    case VoxelType::UInt64:
      return C::ULONGLONG;
    case VoxelType::Int64:
      return C::LONGLONG;
    case VoxelType::Float32:
      return C::FLOAT;
    case VoxelType::Float64:
      return C::DOUBLE;
  }
  return C::UNKNOWNCOMPONENTTYPE;
}

std::vector<std::string> splitChannels(const std::string& joined) {
  std::vector<std::string> names;
  std::stringstream in(joined);
  for (std::string name; std::getline(in, name, ',');) names.push_back(name);
  return names;
}

std::vector<std::string> defaultChannelNames(int count) {
  if (count == 1) return {"value"};
  std::vector<std::string> names;
  for (int c = 0; c < count; ++c) names.push_back("channel" + std::to_string(c));
  return names;
}

struct OpenedFile {
  itk::ImageIOBase::Pointer io;
  VolumeHeader header;
};

void applyTiffSidecar(const std::filesystem::path& file, VolumeHeader& header) {
  const auto sidecar = tiffFrameSidecar(file);
  if (!std::filesystem::exists(sidecar)) return;
  try {
    std::ifstream in(sidecar);
    const auto json = nlohmann::json::parse(in);
    const Vec3 origin = json.at("origin").get<Vec3>();
    const Vec3 spacing = json.at("spacing").get<Vec3>();
    const Mat3 direction = json.at("direction").get<Mat3>();
    header.frame = PhysicalFrame(origin, spacing, direction);
    auto names = json.at("channels").get<std::vector<std::string>>();
    if (static_cast<int>(names.size()) != static_cast<int>(header.channelNames.size()))
      throw FileError(sidecar, "channel count does not match " + file.filename().string());
    header.channelNames = std::move(names);
  } catch (const nlohmann::json::exception& e) {
    throw FileError(sidecar, std::string("invalid frame sidecar: ") + e.what());
  } catch (const std::invalid_argument& e) {
    throw FileError(sidecar, e.what());
  }
}

// ITK's NRRD reader aborts on a long field it cannot parse (a 1 KiB stack buffer) and leaks
// when its gzip stream is corrupt; the NIfTI library trusts dims and offsets, and ITK aborts in
// vnl_svd on a non-finite orientation: our own checks go first.
// The NRRD data is read only before ITK reads the voxels: its header read does not touch them.
void checkBeforeItk(const std::filesystem::path& file, VolumeFormat format, bool voxelsToo) {
  checkMagic(file, format);
  if (format == VolumeFormat::Nrrd) {
    const NrrdHeader header = readNrrdHeader(file);
    if (voxelsToo) checkNrrdData(header);
  } else if (format == VolumeFormat::Nifti) {
    readNiftiHeader(file);
  } else if (format == VolumeFormat::Tiff) {
    try {
      checkTiffDirectoriesInFile(file, /*asciiMustEndInNul=*/true);
    } catch (const FileError& e) {  // worded as our own libtiff reader words it
      throw FileError(file, "is not a readable TIFF image (" + e.problem() + ")");
    }
    // ITK's TIFFImageIO allocates pages × width × height before it reads a byte: an 8 KB file
    // declaring 5,567,808 × 64 px took 2.8 GB (issue 21, fuzz finding). The header read needs
    // only the layout to fit the file; the voxel read also a bounded total.
    checkTiffFitsFile(
        file, voxelsToo ? kMaxTiffWholeReadBytes : std::numeric_limits<std::int64_t>::max());
  }
}

// ITK's NIfTI library reports a short write only on stderr; read back what it wrote.
void checkWritten(const std::filesystem::path& file) {
  const VolumeFormat format = volumeFormatOf(file);
  if (format == VolumeFormat::Nifti)
    checkNiftiComplete(file);
  else if (format == VolumeFormat::Nrrd)
    readNrrdHeader(file);  // the header whole, and all the data of a raw one
}

OpenedFile open(const std::filesystem::path& file, bool voxelsToo) {
  const VolumeFormat format = volumeFormatOf(file);
  checkBeforeItk(file, format, voxelsToo);
  OpenedFile opened;
  opened.io = imageIoFor(format);
  if (!opened.io || !opened.io->CanReadFile(file.c_str()))
    throw FileError(file, "not a readable " + volumeFormatName(format) + " file");
  auto& io = *opened.io;
  io.SetFileName(file.string());
  try {
    io.ReadImageInformation();
  } catch (const itk::ExceptionObject& e) {
    throw FileError(file, "corrupt header: " + describe(e));
  }
  const unsigned ndims = io.GetNumberOfDimensions();
  if (ndims < 1) throw FileError(file, "has no dimensions");
  for (unsigned d = 3; d < ndims; ++d)
    if (io.GetDimensions(d) != 1)
      throw FileError(file, "has " + std::to_string(ndims) +
                                " dimensions; only 2D and 3D volumes "
                                "are supported");
  VolumeHeader& h = opened.header;
  Vec3 origin{0, 0, 0}, spacing{1, 1, 1};
  Mat3 direction = identityMatrix();
  h.dims = {1, 1, 1};
  for (unsigned d = 0; d < std::min(ndims, 3u); ++d) {
    h.dims[d] = static_cast<std::int64_t>(io.GetDimensions(d));
    origin[d] = io.GetOrigin(d);
    spacing[d] = io.GetSpacing(d);
    const auto column = io.GetDirection(d);
    for (unsigned r = 0; r < std::min<std::size_t>(column.size(), 3); ++r)
      direction[r][d] = column[r];
  }
  try {
    checkedVoxelCount(h.dims, io.GetNumberOfComponents());
    h.frame = PhysicalFrame(origin, spacing, direction);
  } catch (const std::invalid_argument& e) {
    throw FileError(file, std::string("invalid geometry: ") + e.what());
  }
  h.voxelType = toVoxelType(io.GetComponentType(), file);
  const int channels = static_cast<int>(io.GetNumberOfComponents());
  std::string joined;
  if (itk::ExposeMetaData<std::string>(io.GetMetaDataDictionary(), kChannelKey, joined) &&
      static_cast<int>(splitChannels(joined).size()) == channels)
    h.channelNames = splitChannels(joined);
  else
    h.channelNames = defaultChannelNames(channels);
  if (volumeFormatOf(file) == VolumeFormat::Tiff) applyTiffSidecar(file, h);
  return opened;
}

template <typename T>
AnyVolume readVoxels(const std::filesystem::path& file, OpenedFile& opened) {
  const VolumeHeader& h = opened.header;
  Image3D<T> image(h.dims, h.frame, h.channelNames);
  const auto channels = static_cast<std::size_t>(image.channelCount());
  const auto voxels = static_cast<std::size_t>(image.voxelCount());
  auto& io = *opened.io;
  itk::ImageIORegion region(io.GetNumberOfDimensions());
  for (unsigned d = 0; d < io.GetNumberOfDimensions(); ++d) {
    region.SetIndex(d, 0);
    region.SetSize(d, io.GetDimensions(d));
  }
  io.SetIORegion(region);
  std::vector<T> interleaved(channels == 1 ? 0 : voxels * channels);
  T* target = channels == 1 ? image.voxels().data() : interleaved.data();
  try {
    io.Read(target);
  } catch (const itk::ExceptionObject& e) {
    throw FileError(file, "corrupt or truncated voxel data: " + describe(e));
  }
  if (channels > 1)
    for (std::size_t v = 0; v < voxels; ++v)
      for (std::size_t c = 0; c < channels; ++c)
        image.voxels()[c * voxels + v] = interleaved[v * channels + c];
  return image;
}

template <typename T>
void writeVoxels(const std::filesystem::path& file, const Image3D<T>& image) {
  auto io = imageIoFor(volumeFormatOf(file));
  if (!io || !io->CanWriteFile(file.c_str()))
    throw FileError(file, "no ITK writer for this file name");
  const auto channels = static_cast<std::size_t>(image.channelCount());
  const auto voxels = static_cast<std::size_t>(image.voxelCount());
  io->SetNumberOfDimensions(3);
  itk::ImageIORegion region(3);
  const auto& frame = image.frame();
  for (unsigned d = 0; d < 3; ++d) {
    io->SetDimensions(d, static_cast<itk::SizeValueType>(image.dims()[d]));
    io->SetOrigin(d, frame.origin()[d]);
    io->SetSpacing(d, frame.spacing()[d]);
    io->SetDirection(d, std::vector<double>{frame.direction()[0][d], frame.direction()[1][d],
                                            frame.direction()[2][d]});
    region.SetIndex(d, 0);
    region.SetSize(d, static_cast<itk::SizeValueType>(image.dims()[d]));
  }
  io->SetIORegion(region);
  io->SetComponentType(toComponent(image.voxelType()));
  io->SetNumberOfComponents(static_cast<unsigned>(channels));
  io->SetPixelType(channels == 1 ? itk::IOPixelEnum::SCALAR : itk::IOPixelEnum::VECTOR);
  io->SetUseCompression(true);
  io->SetFileName(file.string());
  std::string joined;
  for (const auto& name : image.channelNames()) joined += (joined.empty() ? "" : ",") + name;
  itk::EncapsulateMetaData<std::string>(io->GetMetaDataDictionary(), kChannelKey, joined);
  std::vector<T> interleaved;
  const T* source = image.voxels().data();
  if (channels > 1) {
    interleaved.resize(voxels * channels);
    for (std::size_t v = 0; v < voxels; ++v)
      for (std::size_t c = 0; c < channels; ++c)
        interleaved[v * channels + c] = image.voxels()[c * voxels + v];
    source = interleaved.data();
  }
  try {
    io->WriteImageInformation();
    io->Write(source);
  } catch (const itk::ExceptionObject& e) {
    throw FileError(file, "cannot write: " + describe(e));
  }
}

}  // namespace

VolumeHeader readHeader(const std::filesystem::path& file) {
  return open(file, false).header;
}

AnyVolume read(const std::filesystem::path& file) {
  OpenedFile opened = open(file, true);
  return withVoxelType(opened.header.voxelType, [&](auto tag) {
    return readVoxels<typename decltype(tag)::type>(file, opened);
  });
}

void write(const std::filesystem::path& file, const AnyVolume& volume) {
  std::visit([&](const auto& image) { writeVoxels(file, image); }, volume);
  checkWritten(file);
}

std::filesystem::path tiffFrameSidecar(const std::filesystem::path& tiff) {
  return tiff.string() + ".frame.json";
}

void writeTiffFrameSidecar(const std::filesystem::path& tiff, const AnyVolume& volume) {
  std::visit(
      [&](const auto& image) {
        nlohmann::json json;
        json["origin"] = image.frame().origin();
        json["spacing"] = image.frame().spacing();
        json["direction"] = image.frame().direction();
        json["channels"] = image.channelNames();
        json["unit"] = "micrometer";
        json["note"] = "Physical frame of " + tiff.filename().string() + ", which TIFF cannot hold";
        const auto sidecar = tiffFrameSidecar(tiff);
        writeFileAtomically(sidecar, [&](const std::filesystem::path& temporary) {
          std::ofstream out(temporary);
          out << json.dump(2) << '\n';
          if (!out) throw FileError(sidecar, "cannot write");
        });
      },
      volume);
}

}  // namespace teramind::itkio
