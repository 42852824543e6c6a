#include "io/Hdf5File.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <unordered_map>
#include <unordered_set>

#include "common/FileError.h"

namespace teramind::hdf5 {
namespace {

// Closes a C API handle; the C++ API has no string-type reads that work for both
// fixed and variable-length strings.
class Handle {
 public:
  Handle(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
  ~Handle() {
    if (id_ >= 0) close_(id_);
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  hid_t get() const { return id_; }
  bool valid() const { return id_ >= 0; }

 private:
  hid_t id_;
  herr_t (*close_)(hid_t);
};

herr_t collectMessage(unsigned, const H5E_error2_t* error, void* data) {
  auto* messages = static_cast<std::vector<std::string>*>(data);
  if (error->desc && *error->desc) messages->emplace_back(error->desc);
  return 0;
}

// The failed call alone does not say what went wrong; the error stack does, usually in its
// innermost message, except for a missing compression filter (h5py's lzf), whose innermost
// message is only about the plugin directory.
std::string stackReason() {
  std::vector<std::string> messages;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, collectMessage, &messages);
  if (messages.empty()) return {};
  for (const auto& message : messages)
    if (message.find("filter") != std::string::npos) return " (" + message + ")";
  return " (" + messages.back() + ")";
}

std::string describe(const H5::Exception& error) {
  return error.getDetailMsg() + stackReason();
}

std::string strip(const char* text, std::size_t size, H5T_str_t padding) {
  std::string value(text, strnlen(text, size));
  if (padding == H5T_STR_SPACEPAD)
    while (!value.empty() && value.back() == ' ') value.pop_back();
  return value;
}

std::string formatNumber(double value) {
  if (std::floor(value) == value && std::fabs(value) < 1e15)
    return std::to_string(static_cast<long long>(value));
  char text[32];
  std::snprintf(text, sizeof text, "%.15g", value);
  return text;
}

std::string objectName(const std::string& object) {
  return object.empty() ? "/" : object;
}

}  // namespace

File::File(const std::filesystem::path& path) : path_(path) {
  H5::Exception::dontPrint();
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) fail("is a directory, not a file");
  if (!std::filesystem::is_regular_file(path, error)) fail("file does not exist");
  try {
    if (!H5::H5File::isHdf5(path.string())) fail("not an HDF5 file");
    file_.openFile(path.string(), H5F_ACC_RDONLY);
  } catch (const H5::Exception& e) {
    fail("cannot open as HDF5: " + describe(e));
  }
}

void File::fail(const std::string& problem) const {
  throw FileError(path_, problem);
}

void File::failHdf5(const std::string& what, const H5::Exception& error) const {
  fail("cannot read " + what + ": " + describe(error));
}

ObjectKind File::kind(const std::string& object) const {
  if (object.empty()) return ObjectKind::Group;
  try {
    // H5Lexists fails rather than answering false when a parent is missing.
    for (std::size_t slash = object.find('/'); slash != std::string::npos;
         slash = object.find('/', slash + 1))
      if (!file_.nameExists(object.substr(0, slash))) return ObjectKind::Missing;
    if (!file_.nameExists(object)) return ObjectKind::Missing;
    switch (file_.childObjType(object)) {
      case H5O_TYPE_GROUP:
        return ObjectKind::Group;
      case H5O_TYPE_DATASET:
        return ObjectKind::Dataset;
      default:
        return ObjectKind::Other;
    }
  } catch (const H5::Exception& e) {
    failHdf5(objectName(object), e);
  }
}

bool File::hasAttribute(const std::string& object, const std::string& name) const {
  const Handle owner(H5Oopen(file_.getId(), object.empty() ? "." : object.c_str(), H5P_DEFAULT),
                     H5Oclose);
  if (!owner.valid()) fail("cannot open " + objectName(object) + stackReason());
  const htri_t exists = H5Aexists(owner.get(), name.c_str());
  if (exists < 0) fail("cannot read the attributes of " + objectName(object) + stackReason());
  return exists > 0;
}

std::optional<std::string> File::stringAttribute(const std::string& object,
                                                 const std::string& name) const {
  if (!hasAttribute(object, name)) return std::nullopt;
  const std::string what = "attribute '" + name + "' of " + objectName(object);
  const Handle owner(H5Oopen(file_.getId(), object.empty() ? "." : object.c_str(), H5P_DEFAULT),
                     H5Oclose);
  const Handle attribute(H5Aopen(owner.get(), name.c_str(), H5P_DEFAULT), H5Aclose);
  const Handle type(H5Aget_type(attribute.get()), H5Tclose);
  const Handle space(H5Aget_space(attribute.get()), H5Sclose);
  if (!attribute.valid() || !type.valid() || !space.valid())
    fail("cannot open the " + what + stackReason());
  if (H5Tget_class(type.get()) != H5T_STRING) fail("the " + what + " is not a string");
  if (H5Sget_simple_extent_npoints(space.get()) != 1) fail("the " + what + " is not one string");
  if (H5Tis_variable_str(type.get()) > 0) {
    const Handle memory(H5Tcopy(H5T_C_S1), H5Tclose);
    H5Tset_size(memory.get(), H5T_VARIABLE);
    H5Tset_cset(memory.get(), H5Tget_cset(type.get()));
    char* text = nullptr;
    if (H5Aread(attribute.get(), memory.get(), &text) < 0)
      fail("cannot read the " + what + stackReason());
    std::string value = text ? text : "";
    H5Dvlen_reclaim(memory.get(), space.get(), H5P_DEFAULT, &text);
    return value;
  }
  const std::size_t size = H5Tget_size(type.get());
  std::vector<char> buffer(size + 1, '\0');
  if (H5Aread(attribute.get(), type.get(), buffer.data()) < 0)
    fail("cannot read the " + what + stackReason());
  return strip(buffer.data(), size, H5Tget_strpad(type.get()));
}

std::vector<std::int64_t> File::integerAttribute(const std::string& object,
                                                 const std::string& name) const {
  const std::string what = "attribute '" + name + "' of " + objectName(object);
  if (!hasAttribute(object, name)) fail(objectName(object) + " has no attribute '" + name + "'");
  const Handle attribute(H5Aopen_by_name(file_.getId(), object.empty() ? "." : object.c_str(),
                                         name.c_str(), H5P_DEFAULT, H5P_DEFAULT),
                         H5Aclose);
  const Handle type(H5Aget_type(attribute.get()), H5Tclose);
  const Handle space(H5Aget_space(attribute.get()), H5Sclose);
  if (!attribute.valid() || !type.valid() || !space.valid())
    fail("cannot open the " + what + stackReason());
  if (H5Tget_class(type.get()) != H5T_INTEGER) fail("the " + what + " is not an integer");
  const hssize_t n = H5Sget_simple_extent_npoints(space.get());
  std::vector<std::int64_t> values(std::size_t(std::max<hssize_t>(n, 0)));
  if (!values.empty() && H5Aread(attribute.get(), H5T_NATIVE_INT64, values.data()) < 0)
    fail("cannot read the " + what + stackReason());
  return values;
}

void File::requirePlausibleExtent(const H5::DataSet& data, const std::string& dataset,
                                  std::size_t count) const {
  // Deflate stops near 1000:1; an extent far beyond the bytes stored (chunks never written
  // read as fill values) is a damaged or crafted file, and must not become a multi-gigabyte
  // allocation or a read of billions of fill values.
  const auto stored = std::uint64_t(H5Dget_storage_size(data.getId()));
  const Handle type(H5Dget_type(data.getId()), H5Tclose);
  const auto elementBytes = std::max<std::uint64_t>(1, H5Tget_size(type.get()));
  const double declaredBytes = double(count) * double(elementBytes);
  if (count > (std::uint64_t(1) << 16) &&
      declaredBytes > 1100.0 * double(std::max<std::uint64_t>(stored, 1)))
    fail(dataset + " declares " + std::to_string(count) + " elements but stores only " +
         std::to_string(stored) + " bytes");
}

void File::requirePlausibleDataset(const H5::DataSet& data, const std::string& dataset) const {
  if (!plausibleDatasets_.insert(dataset).second) return;
  try {
    requirePlausibleExtent(data, dataset, std::size_t(data.getSpace().getSimpleExtentNpoints()));
  } catch (...) {
    plausibleDatasets_.erase(dataset);
    throw;
  }
}

void File::requirePlausible(const std::string& dataset) const {
  requirePlausibleDataset(open(dataset), dataset);
}

H5::DataSet File::open(const std::string& dataset) const {
  if (!isDataset(dataset)) fail("no dataset " + dataset);
  try {
    return file_.openDataSet(dataset);
  } catch (const H5::Exception& e) {
    failHdf5(dataset, e);
  }
}

std::vector<hsize_t> File::shape(const std::string& dataset) const {
  const H5::DataSet data = open(dataset);
  try {
    const H5::DataSpace space = data.getSpace();
    std::vector<hsize_t> dims(std::size_t(space.getSimpleExtentNdims()));
    space.getSimpleExtentDims(dims.data());
    return dims;
  } catch (const H5::Exception& e) {
    failHdf5("the shape of " + dataset, e);
  }
}

H5T_class_t File::typeClass(const std::string& dataset) const {
  try {
    return open(dataset).getTypeClass();
  } catch (const H5::Exception& e) {
    failHdf5("the type of " + dataset, e);
  }
}

std::vector<hsize_t> File::chunkShape(const std::string& dataset) const {
  const H5::DataSet data = open(dataset);
  try {
    const H5::DSetCreatPropList properties = data.getCreatePlist();
    if (properties.getLayout() != H5D_CHUNKED) return {};
    std::vector<hsize_t> chunk(std::size_t(data.getSpace().getSimpleExtentNdims()));
    properties.getChunk(int(chunk.size()), chunk.data());
    return chunk;
  } catch (const H5::Exception& e) {
    failHdf5("the layout of " + dataset, e);
  }
}

std::vector<std::string> File::readStrings(const std::string& dataset) const {
  const H5::DataSet data = open(dataset);
  const Handle type(H5Dget_type(data.getId()), H5Tclose);
  const Handle space(H5Dget_space(data.getId()), H5Sclose);
  if (!type.valid() || !space.valid()) fail("cannot open " + dataset + stackReason());
  if (H5Tget_class(type.get()) != H5T_STRING) fail(dataset + " does not hold strings");
  if (H5Sget_simple_extent_ndims(space.get()) > 1) fail(dataset + " is not one-dimensional");
  const auto n = std::size_t(H5Sget_simple_extent_npoints(space.get()));
  requirePlausibleExtent(data, dataset, n);
  std::vector<std::string> values(n);
  if (n == 0) return values;
  if (H5Tis_variable_str(type.get()) > 0) {
    const Handle memory(H5Tcopy(H5T_C_S1), H5Tclose);
    H5Tset_size(memory.get(), H5T_VARIABLE);
    H5Tset_cset(memory.get(), H5Tget_cset(type.get()));
    std::vector<char*> texts(n, nullptr);
    if (H5Dread(data.getId(), memory.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, texts.data()) < 0)
      fail("cannot read the strings of " + dataset + stackReason());
    for (std::size_t i = 0; i < n; ++i)
      if (texts[i]) values[i] = texts[i];
    H5Dvlen_reclaim(memory.get(), space.get(), H5P_DEFAULT, texts.data());
    return values;
  }
  const std::size_t size = H5Tget_size(type.get());
  std::vector<char> buffer(n * size);
  if (H5Dread(data.getId(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer.data()) < 0)
    fail("cannot read the strings of " + dataset + stackReason());
  const H5T_str_t padding = H5Tget_strpad(type.get());
  for (std::size_t i = 0; i < n; ++i) values[i] = strip(&buffer[i * size], size, padding);
  return values;
}

std::vector<std::string> File::readLabels(const std::string& dataset) const {
  if (typeClass(dataset) == H5T_STRING) return readStrings(dataset);
  const std::vector<double> numbers = readDoubles(dataset);
  std::vector<std::string> labels;
  labels.reserve(numbers.size());
  for (const double value : numbers) labels.push_back(formatNumber(value));
  return labels;
}

void File::requireNumeric(const H5::DataSet& data, const std::string& dataset) const {
  const H5T_class_t type = data.getTypeClass();
  if (type != H5T_INTEGER && type != H5T_FLOAT) fail(dataset + " does not hold numbers");
}

std::vector<double> File::readDoubles(const std::string& dataset) const {
  const H5::DataSet data = open(dataset);
  try {
    requireNumeric(data, dataset);
    const auto n = std::size_t(data.getSpace().getSimpleExtentNpoints());
    requirePlausibleExtent(data, dataset, n);
    std::vector<double> values(n);
    if (!values.empty()) data.read(values.data(), H5::PredType::NATIVE_DOUBLE);
    return values;
  } catch (const H5::Exception& e) {
    failHdf5(dataset, e);
  }
}

void File::readDoubles(const std::string& dataset, const std::vector<hsize_t>& offset,
                       const std::vector<hsize_t>& count, double* out) const {
  const H5::DataSet data = open(dataset);
  try {
    requireNumeric(data, dataset);
    requirePlausibleDataset(data, dataset);
    H5::DataSpace file = data.getSpace();
    if (std::size_t(file.getSimpleExtentNdims()) != offset.size())
      fail(dataset + " has " + std::to_string(file.getSimpleExtentNdims()) + " dimensions, not " +
           std::to_string(offset.size()));
    file.selectHyperslab(H5S_SELECT_SET, count.data(), offset.data());
    const H5::DataSpace memory(int(count.size()), count.data());
    data.read(out, H5::PredType::NATIVE_DOUBLE, memory, file);
  } catch (const H5::Exception& e) {
    failHdf5(dataset, e);
  }
}

void File::readIntegers(const std::string& dataset, hsize_t offset, hsize_t count,
                        std::int64_t* out) const {
  const H5::DataSet data = open(dataset);
  try {
    if (data.getTypeClass() != H5T_INTEGER) fail(dataset + " does not hold integers");
    requirePlausibleDataset(data, dataset);
    H5::DataSpace file = data.getSpace();
    if (file.getSimpleExtentNdims() != 1) fail(dataset + " is not one-dimensional");
    file.selectHyperslab(H5S_SELECT_SET, &count, &offset);
    const H5::DataSpace memory(1, &count);
    data.read(out, H5::PredType::NATIVE_INT64, memory, file);
  } catch (const H5::Exception& e) {
    failHdf5(dataset, e);
  }
}

std::vector<std::int64_t> File::readIntegers(const std::string& dataset) const {
  const std::vector<hsize_t> dims = shape(dataset);
  if (dims.size() != 1) fail(dataset + " is not one-dimensional");
  requirePlausibleExtent(open(dataset), dataset, dims[0]);
  std::vector<std::int64_t> values(dims[0]);
  if (!values.empty()) readIntegers(dataset, 0, dims[0], values.data());
  return values;
}

std::vector<std::string> makeUnique(std::vector<std::string> names) {
  std::unordered_set<std::string> taken(names.begin(), names.end());
  std::unordered_set<std::string> seen;
  std::unordered_map<std::string, int> suffix;
  for (auto& name : names) {
    if (seen.insert(name).second) continue;
    int& k = suffix[name];
    std::string candidate;
    do candidate = name + "-" + std::to_string(++k);
    while (taken.count(candidate));
    taken.insert(candidate);
    name = candidate;
  }
  return names;
}

std::optional<std::string> invalidCount(double value) {
  if (std::isnan(value)) return "NaN";
  if (value < 0) return "negative (" + formatNumber(value) + ")";
  if (std::isinf(value)) return "infinite";
  if (value > double(std::numeric_limits<float>::max()))
    return "too large for a float (" + formatNumber(value) + ")";
  return std::nullopt;
}

void ProgressThrottle::operator()(double fraction) {
  if (!report_) return;
  if (fraction < 1.0 && fraction - last_ < 0.01) return;
  last_ = fraction;
  report_(from_ + (to_ - from_) * fraction);
}

}  // namespace teramind::hdf5
