#include "io/ItkVolumeIO.h"

#include <fstream>
#include <mutex>
#include <sstream>

#include <itkImageIOBase.h>
#include <itkImageIOFactory.h>
#include <itkJPEGImageIOFactory.h>
#include <itkMetaDataObject.h>
#include <itkNiftiImageIOFactory.h>
#include <itkNrrdImageIOFactory.h>
#include <itkPNGImageIOFactory.h>
#include <itkTIFFImageIOFactory.h>
#include <nlohmann/json.hpp>

#include "common/AtomicFileWrite.h"
#include "io/NiftiHeader.h"
#include "io/NrrdHeader.h"

namespace teramind::itkio {
namespace {

constexpr const char* kChannelKey = "teramind_channels";

void registerFactories() {
  static std::once_flag once;
  std::call_once(once, [] {
    itk::NrrdImageIOFactory::RegisterOneFactory();
    itk::NiftiImageIOFactory::RegisterOneFactory();
    itk::TIFFImageIOFactory::RegisterOneFactory();
    itk::PNGImageIOFactory::RegisterOneFactory();
    itk::JPEGImageIOFactory::RegisterOneFactory();
  });
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

bool startsWithNrrdMagic(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  char magic[4] = {0, 0, 0, 0};
  in.read(magic, 4);
  return in.gcount() == 4 && std::string(magic, 4) == "NRRD";
}

// ITK's NRRD reader aborts on a long field it cannot parse (a 1 KiB stack buffer), and the
// NIfTI library trusts dims and offsets: our own header checks go first.
void checkHeaderBeforeItk(const std::filesystem::path& file) {
  const VolumeFormat format = volumeFormatOf(file);
  if (format == VolumeFormat::Nrrd || startsWithNrrdMagic(file))
    readNrrdHeader(file);
  else if (format == VolumeFormat::Nifti)
    readNiftiHeader(file);
}

// ITK's NIfTI library reports a short write only on stderr; read back what it wrote.
void checkWritten(const std::filesystem::path& file) {
  const VolumeFormat format = volumeFormatOf(file);
  if (format == VolumeFormat::Nifti)
    checkNiftiComplete(file);
  else if (format == VolumeFormat::Nrrd)
    readNrrdHeader(file);  // the header whole, and all the data of a raw one
}

OpenedFile open(const std::filesystem::path& file) {
  checkHeaderBeforeItk(file);
  registerFactories();
  OpenedFile opened;
  opened.io = itk::ImageIOFactory::CreateImageIO(file.c_str(), itk::IOFileModeEnum::ReadMode);
  if (!opened.io) throw FileError(file, "not a readable NRRD, NIfTI, TIFF, PNG or JPEG file");
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
  registerFactories();
  auto io = itk::ImageIOFactory::CreateImageIO(file.c_str(), itk::IOFileModeEnum::WriteMode);
  if (!io) throw FileError(file, "no ITK writer for this file name");
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
  return open(file).header;
}

AnyVolume read(const std::filesystem::path& file) {
  OpenedFile opened = open(file);
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
