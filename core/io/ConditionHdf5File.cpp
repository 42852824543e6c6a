#include "io/ConditionHdf5File.h"

#include <H5Cpp.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <vector>

#include "common/FileError.h"
#include "io/ConditionBytes.h"
#include "io/ThirdPartyReadIsolation.h"

namespace teramind::conditionh5 {
namespace {

constexpr const char* kFormat = "teramind-binned-condition";
constexpr hsize_t kChunk = 1 << 16;

template <typename T>
void writeAttribute(H5::H5File& file, const char* name, const H5::PredType& type,
                    const std::vector<T>& values) {
  const hsize_t n = values.size();
  H5::DataSpace space(1, &n);
  file.createAttribute(name, type, space).write(type, values.data());
}

template <typename T>
void writeColumn(H5::H5File& file, const char* name, const H5::PredType& type,
                 const std::vector<T>& values) {
  const hsize_t n = values.size();
  H5::DataSpace space(1, &n);
  H5::DSetCreatPropList properties;
  if (n > 0) {
    const hsize_t chunk = std::min<hsize_t>(kChunk, n);
    properties.setChunk(1, &chunk);
    properties.setShuffle();
    properties.setDeflate(4);
  }
  file.createDataSet(name, type, space, properties).write(values.data(), type);
}

template <typename T>
std::vector<T> readAttribute(const H5::H5File& file, const char* name, const H5::PredType& type,
                             std::size_t expected, const std::filesystem::path& path) {
  if (!file.attrExists(name)) throw FileError(path, std::string("lacks the attribute ") + name);
  H5::Attribute attribute = file.openAttribute(name);
  if (std::size_t(attribute.getSpace().getSimpleExtentNpoints()) != expected)
    throw FileError(path, std::string("attribute ") + name + " has the wrong length");
  std::vector<T> values(expected);
  attribute.read(type, values.data());
  return values;
}

template <typename T>
std::vector<T> readColumn(const H5::H5File& file, const char* name, const H5::PredType& type,
                          const std::filesystem::path& path) {
  if (!file.nameExists(name)) throw FileError(path, std::string("lacks the dataset ") + name);
  H5::DataSet data = file.openDataSet(name);
  const auto count = std::uint64_t(data.getSpace().getSimpleExtentNpoints());
  // A crafted extent must not turn into a huge allocation: deflate compresses at most ~1000:1.
  if (count * sizeof(T) > 1024 * std::max<std::uint64_t>(std::filesystem::file_size(path), 1 << 20))
    throw FileError(
        path, std::string("dataset ") + name + " claims more elements than the file can hold");
  std::vector<T> values(count);
  if (!values.empty()) data.read(values.data(), type);
  return values;
}

// The whole file built in memory by HDF5's core driver (no backing store), so HDF5 itself never
// writes to disk: a full disk cannot fail inside it and leave a half-closed file that H5close
// trips over at exit. Every object is a C++ wrapper closed on every path, the file last.
std::vector<char> buildImage(const std::filesystem::path& file, const BinnedCondition& condition) {
  H5::FileAccPropList inMemory;
  inMemory.setCore(1 << 20, false);
  H5::H5File out(file.string(), H5F_ACC_TRUNC, H5::FileCreatPropList::DEFAULT, inMemory);
  const BinGrid& g = condition.grid();
  H5::StrType text(H5::PredType::C_S1, H5T_VARIABLE);
  out.createAttribute("format", text, H5::DataSpace(H5S_SCALAR)).write(text, std::string(kFormat));
  writeAttribute<std::int32_t>(out, "version", H5::PredType::NATIVE_INT32, {1});
  writeAttribute<double>(out, "bin_um", H5::PredType::NATIVE_DOUBLE, {g.binUm});
  writeAttribute<double>(out, "origin_um", H5::PredType::NATIVE_DOUBLE, {g.originXUm, g.originYUm});
  writeAttribute<std::int32_t>(out, "extent", H5::PredType::NATIVE_INT32,
                               {g.width, g.height, g.planes});
  writeAttribute<double>(out, "plane_spacing_um", H5::PredType::NATIVE_DOUBLE, {g.planeSpacingUm});
  std::vector<const char*> names;
  for (const auto& n : condition.geneNames()) names.push_back(n.c_str());
  const hsize_t geneCount = names.size();
  out.createDataSet("genes", text, H5::DataSpace(1, &geneCount)).write(names.data(), text);
  std::vector<std::uint64_t> offsets{0}, bins;
  std::vector<float> values;
  for (std::size_t gene = 0; gene < condition.geneCount(); ++gene) {
    for (const auto& [bin, value] : condition.sortedEntries(gene)) {
      bins.push_back(BinnedCondition::key(bin));
      values.push_back(value);
    }
    offsets.push_back(bins.size());
  }
  writeColumn(out, "gene_offsets", H5::PredType::NATIVE_UINT64, offsets);
  writeColumn(out, "bins", H5::PredType::NATIVE_UINT64, bins);
  writeColumn(out, "values", H5::PredType::NATIVE_FLOAT, values);
  out.flush(H5F_SCOPE_LOCAL);
  const ssize_t size = H5Fget_file_image(out.getId(), nullptr, 0);
  if (size <= 0) throw FileError(file, "HDF5 could not build the file image");
  std::vector<char> image(std::size_t(size), '\0');
  if (H5Fget_file_image(out.getId(), image.data(), image.size()) != size)
    throw FileError(file, "HDF5 could not copy the file image");
  out.close();
  return image;
}

}  // namespace

void write(const std::filesystem::path& file, const BinnedCondition& condition) {
  H5::Exception::dontPrint();
  std::vector<char> image;
  try {
    image = buildImage(file, condition);
  } catch (const H5::Exception& e) {
    throw FileError(file, "cannot be written as HDF5: " + e.getDetailMsg());
  }
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  if (!out) throw FileError(file, "cannot be created");
  out.write(image.data(), std::streamsize(image.size()));
  out.close();
  if (!out)
    throw FileError(file, "cannot be written: only part of " + std::to_string(image.size()) +
                              " bytes reached the disk (disk full?)");
}

namespace {

// The format attribute is a variable-length string: reading it goes through HDF5's global heap,
// where a damaged file crashes or loops inside the library.
bool hasConditionFormat(const std::filesystem::path& file) {
  try {
    H5::Exception::dontPrint();
    if (!H5::H5File::isHdf5(file.string())) return false;
    H5::H5File in(file.string(), H5F_ACC_RDONLY);
    if (!in.attrExists("format")) return false;
    std::string format;
    H5::Attribute a = in.openAttribute("format");
    a.read(a.getStrType(), format);
    return format == kFormat;
  } catch (const H5::Exception&) {
    return false;
  }
}

BinnedCondition readInProcess(const std::filesystem::path& file) {
  if (!hasConditionFormat(file)) throw FileError(file, "not a binned condition (HDF5)");
  try {
    H5::H5File in(file.string(), H5F_ACC_RDONLY);
    if (readAttribute<std::int32_t>(in, "version", H5::PredType::NATIVE_INT32, 1, file)[0] != 1)
      throw FileError(file, "unsupported binned-condition version");
    BinGrid g;
    g.binUm = readAttribute<double>(in, "bin_um", H5::PredType::NATIVE_DOUBLE, 1, file)[0];
    const auto origin =
        readAttribute<double>(in, "origin_um", H5::PredType::NATIVE_DOUBLE, 2, file);
    const auto extent =
        readAttribute<std::int32_t>(in, "extent", H5::PredType::NATIVE_INT32, 3, file);
    g.originXUm = origin[0];
    g.originYUm = origin[1];
    g.width = extent[0];
    g.height = extent[1];
    g.planes = extent[2];
    g.planeSpacingUm =
        readAttribute<double>(in, "plane_spacing_um", H5::PredType::NATIVE_DOUBLE, 1, file)[0];
    H5::DataSet genesData = in.openDataSet("genes");
    const auto geneCount = std::size_t(genesData.getSpace().getSimpleExtentNpoints());
    if (geneCount == 0 || geneCount > (1u << 20))
      throw FileError(file, "holds " + std::to_string(geneCount) + " genes");
    std::vector<char*> raw(geneCount, nullptr);
    H5::StrType text(H5::PredType::C_S1, H5T_VARIABLE);
    genesData.read(raw.data(), text);
    std::vector<std::string> names;
    for (char* s : raw) names.emplace_back(s ? s : "");
    H5::DataSet::vlenReclaim(raw.data(), text, genesData.getSpace());
    const auto offsets =
        readColumn<std::uint64_t>(in, "gene_offsets", H5::PredType::NATIVE_UINT64, file);
    const auto bins = readColumn<std::uint64_t>(in, "bins", H5::PredType::NATIVE_UINT64, file);
    const auto values = readColumn<float>(in, "values", H5::PredType::NATIVE_FLOAT, file);
    if (offsets.size() != geneCount + 1 || offsets.front() != 0 || offsets.back() != bins.size() ||
        bins.size() != values.size() || !std::is_sorted(offsets.begin(), offsets.end()))
      throw FileError(file, "gene_offsets, bins and values disagree");
    BinnedCondition condition;
    try {
      condition = BinnedCondition(g, names);
    } catch (const std::invalid_argument& e) {
      throw FileError(file, e.what());
    }
    for (std::size_t gene = 0; gene < geneCount; ++gene)
      for (std::uint64_t i = offsets[gene]; i < offsets[gene + 1]; ++i) {
        const BinIndex bin = BinnedCondition::unpack(bins[i]);
        if (!g.contains(bin) || BinnedCondition::key(bin) != bins[i])
          throw FileError(file, "bin " + std::to_string(i) + " lies outside the grid");
        if (i > offsets[gene] && bins[i] <= bins[i - 1])
          throw FileError(file, "bins of gene '" + names[gene] + "' are not strictly increasing");
        if (!(values[i] > 0) || !std::isfinite(values[i]))
          throw FileError(file, "value " + std::to_string(i) + " of gene '" + names[gene] +
                                    "' is not a positive finite count");
        condition.set(gene, bin, values[i]);
      }
    return condition;
  } catch (const H5::Exception& e) {
    throw FileError(file, "unreadable binned condition: " + e.getDetailMsg());
  }
}

}  // namespace

// Both in a child first (io/ThirdPartyReadIsolation.h). Measured on the demo condition (.h5,
// 167 KB): `teramind info` 539 ms in-process, 613 ms with the probe and the read each in a child
// (median of 11, a loaded 2-core machine). A probe reading only the attribute's type, without
// its vlen text, was not tried: it could not tell our files from other .h5 files.
bool isConditionFile(const std::filesystem::path& file) {
  if (!std::filesystem::is_regular_file(file)) return false;
  return askInChild(
      file, [&] { return hasConditionFormat(file); }, ProbeKind::Hdf5);
}

// Read in a child, which sends the condition back as bytes (io/ConditionBytes.h): a probe that
// succeeded followed by the same read here would let a library that corrupts memory without
// crashing corrupt this process (seen with OpenVDB). The result is bounded by what deflate can
// expand the file to (1032:1), 12 bytes per stored bin.
BinnedCondition read(const std::filesystem::path& file) {
  if (!std::filesystem::exists(file)) throw FileError(file, "file does not exist");
  std::error_code error;
  const std::uint64_t fileBytes = std::filesystem::file_size(file, error);
  const std::uint64_t maxResultBytes = (error ? 0 : fileBytes) * 1032 + (1 << 20);
  return readInChild<BinnedCondition>(
      file, [&] { return readInProcess(file); }, encodeCondition,
      [&](const std::string& bytes) { return decodeCondition(bytes, file, maxResultBytes / 12); },
      ProbeKind::Hdf5, 0, maxResultBytes);
}

}  // namespace teramind::conditionh5
