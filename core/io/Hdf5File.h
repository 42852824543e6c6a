#pragma once

#ifndef TERAMIND_INSIDE_IO
#error "io/Hdf5File.h is private to teramind_io (HDF5)"
#endif

// Private to the loom and h5ad readers: a read-only HDF5 file whose every failure is a
// FileError naming the file and the object. It exposes HDF5 types, so only sources compiled
// with the HDF5 include path (the marked block of core/CMakeLists.txt) may include it.

#include <cstdint>
#include <filesystem>
#include <new>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include <H5Cpp.h>

#include "transcriptomics/ReadProgress.h"

namespace teramind::hdf5 {

enum class ObjectKind { Missing, Group, Dataset, Other };

class File {
 public:
  // Throws FileError "file does not exist", "not an HDF5 file" or "cannot open ...".
  explicit File(const std::filesystem::path& path);

  const std::filesystem::path& path() const { return path_; }
  // Runs a read, turning HDF5 errors and allocations a damaged file asks for into FileErrors.
  template <typename Read>
  auto guarded(Read&& read) const -> decltype(read()) {
    try {
      return read();
    } catch (const H5::Exception& e) {
      fail("HDF5 error: " + e.getDetailMsg());
    } catch (const std::bad_alloc&) {
      fail("declares more data than fits in memory (damaged file?)");
    } catch (const std::length_error&) {
      fail("declares more data than fits in memory (damaged file?)");
    }
  }
  [[noreturn]] void fail(const std::string& problem) const;

  // `object` is a path from the root ("row_attrs/Gene"); a missing parent is not an error.
  ObjectKind kind(const std::string& object) const;
  bool isDataset(const std::string& object) const { return kind(object) == ObjectKind::Dataset; }
  bool isGroup(const std::string& object) const { return kind(object) == ObjectKind::Group; }

  bool hasAttribute(const std::string& object, const std::string& name) const;
  // A scalar (or one-element) string attribute, fixed or variable length; nullopt if absent.
  std::optional<std::string> stringAttribute(const std::string& object,
                                             const std::string& name) const;
  // An integer attribute (scalar or 1-D), e.g. AnnData's sparse `shape`.
  std::vector<std::int64_t> integerAttribute(const std::string& object,
                                             const std::string& name) const;

  std::vector<hsize_t> shape(const std::string& dataset) const;
  H5T_class_t typeClass(const std::string& dataset) const;
  // Chunk extents, or empty for contiguous/compact storage.
  std::vector<hsize_t> chunkShape(const std::string& dataset) const;

  // A 1-D string dataset (fixed or variable length; h5py and anndata write both).
  std::vector<std::string> readStrings(const std::string& dataset) const;
  // A 1-D dataset of strings or numbers as text: numeric ids are common in loom CellID.
  std::vector<std::string> readLabels(const std::string& dataset) const;
  // Any integer or float dataset, converted by HDF5, in full or as a hyperslab of
  // `count` elements per dimension from `offset` (row-major into `out`).
  std::vector<double> readDoubles(const std::string& dataset) const;
  void readDoubles(const std::string& dataset, const std::vector<hsize_t>& offset,
                   const std::vector<hsize_t>& count, double* out) const;
  void readIntegers(const std::string& dataset, hsize_t offset, hsize_t count,
                    std::int64_t* out) const;
  std::vector<std::int64_t> readIntegers(const std::string& dataset) const;
  // Throws unless the dataset's extent is one its stored bytes can hold (see
  // requirePlausibleExtent): before sizing anything by it.
  void requirePlausible(const std::string& dataset) const;

 private:
  H5::DataSet open(const std::string& dataset) const;
  void requirePlausibleExtent(const H5::DataSet& data, const std::string& dataset,
                              std::size_t count) const;
  // The whole extent, once per dataset: partial reads check it too.
  void requirePlausibleDataset(const H5::DataSet& data, const std::string& dataset) const;
  void requireNumeric(const H5::DataSet& data, const std::string& dataset) const;
  [[noreturn]] void failHdf5(const std::string& what, const H5::Exception& error) const;

  std::filesystem::path path_;
  H5::H5File file_;
  mutable std::set<std::string> plausibleDatasets_;
};

// Gene names as a catalogue can hold them: repeats get "-1", "-2", ... as anndata's
// var_names_make_unique does, because GeneCatalogue merges equal names.
std::vector<std::string> makeUnique(std::vector<std::string> names);

// Why `value` cannot be an expression count (NaN, negative, infinite or beyond float), or
// nullopt when it can.
std::optional<std::string> invalidCount(double value);

// Calls `progress` at most about a hundred times over a read.
class ProgressThrottle {
 public:
  // Maps the reader's own 0..1 onto [from, to] of the caller's progress.
  ProgressThrottle(const ReadProgress& progress, double from, double to)
      : report_(progress), from_(from), to_(to) {}
  void operator()(double fraction);

 private:
  const ReadProgress& report_;
  double from_, to_;
  double last_ = -1;
};

}  // namespace teramind::hdf5
