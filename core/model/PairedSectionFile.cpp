#include "model/PairedSectionFile.h"

#include <cmath>
#include <cstring>
#include <map>
#include <stdexcept>

#include <fmt/core.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "common/FileError.h"
#include "io/SafetensorsFile.h"
#include "io/SpatialDataset.h"

namespace teramind {

namespace {

constexpr const char* kFormat = "teramind-paired-section";

StoredTensor floatTensor(const std::vector<float>& values, std::vector<std::int64_t> shape) {
  StoredTensor t;
  t.dtype = "F32";
  t.shape = std::move(shape);
  t.bytes.resize(values.size() * sizeof(float));
  std::memcpy(t.bytes.data(), values.data(), t.bytes.size());
  return t;
}

std::vector<float> floatValues(const std::filesystem::path& file, const SafetensorsContent& content,
                               const std::string& name, const std::vector<std::int64_t>& shape) {
  const auto it = content.tensors.find(name);
  if (it == content.tensors.end()) throw FileError(file, "has no tensor '" + name + "'");
  const auto& t = it->second;
  if (t.dtype != "F32" || t.shape != shape)
    throw FileError(file, fmt::format("tensor '{}' is {} [{}], the metadata needs F32 [{}]", name,
                                      t.dtype, fmt::join(t.shape, ", "), fmt::join(shape, ", ")));
  std::vector<float> values(t.bytes.size() / sizeof(float));
  std::memcpy(values.data(), t.bytes.data(), t.bytes.size());
  return values;
}

}  // namespace

void savePairedSection(const std::filesystem::path& file, const PairedSection& s,
                       const std::string& source) {
  SafetensorsContent content;
  const std::int64_t stains = static_cast<std::int64_t>(s.stainNames.size());
  const std::int64_t genes = static_cast<std::int64_t>(s.genes.size());
  content.tensors["stains"] =
      floatTensor(s.stains, {stains, s.planes(), s.heightPx(), s.widthPx()});
  content.tensors["counts"] =
      floatTensor(s.counts, {genes, s.planes(), s.grid.height, s.grid.width});
  const nlohmann::json grid = {{"origin_x_um", s.grid.originXUm},
                               {"origin_y_um", s.grid.originYUm},
                               {"bin_um", s.grid.binUm},
                               {"width", s.grid.width},
                               {"height", s.grid.height},
                               {"planes", s.grid.planes},
                               {"plane_spacing_um", s.grid.planeSpacingUm}};
  content.metadata = {{"format", kFormat},
                      {"grid", grid.dump()},
                      {"bin_pixels", std::to_string(s.binPixels)},
                      {"genes", nlohmann::json(s.genes).dump()},
                      {"stain_names", nlohmann::json(s.stainNames).dump()},
                      {"source", source}};
  writeSafetensors(file, content);
}

PairedSection loadPairedSection(const std::filesystem::path& file) {
  const auto content = readSafetensors(file);
  const auto& meta = content.metadata;
  const auto format = meta.find("format");
  if (format == meta.end() || format->second != kFormat)
    throw FileError(file, "not a paired section (its safetensors metadata has no format '" +
                              std::string(kFormat) + "')");
  PairedSection s;
  try {
    const auto grid = nlohmann::json::parse(meta.at("grid"));
    s.grid.originXUm = grid.at("origin_x_um").get<double>();
    s.grid.originYUm = grid.at("origin_y_um").get<double>();
    s.grid.binUm = grid.at("bin_um").get<double>();
    s.grid.width = grid.at("width").get<std::int32_t>();
    s.grid.height = grid.at("height").get<std::int32_t>();
    s.grid.planes = grid.at("planes").get<std::int32_t>();
    s.grid.planeSpacingUm = grid.at("plane_spacing_um").get<double>();
    s.binPixels = std::stoi(meta.at("bin_pixels"));
    s.genes = nlohmann::json::parse(meta.at("genes")).get<std::vector<std::string>>();
    s.stainNames = nlohmann::json::parse(meta.at("stain_names")).get<std::vector<std::string>>();
  } catch (const std::exception& e) {
    throw FileError(file, std::string("bad paired-section metadata: ") + e.what());
  }
  if (s.grid.width <= 0 || s.grid.height <= 0 || s.grid.planes <= 0 || s.binPixels <= 0 ||
      s.genes.empty() || s.stainNames.empty())
    throw FileError(file, fmt::format("empty paired section ({} x {} bins, {} planes, {} px per "
                                      "bin, {} genes, {} stains)",
                                      s.grid.width, s.grid.height, s.grid.planes, s.binPixels,
                                      s.genes.size(), s.stainNames.size()));
  s.stains =
      floatValues(file, content, "stains",
                  {std::int64_t(s.stainNames.size()), s.planes(), s.heightPx(), s.widthPx()});
  s.counts = floatValues(file, content, "counts",
                         {std::int64_t(s.genes.size()), s.planes(), s.grid.height, s.grid.width});
  return s;
}

bool isPairedSectionFile(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) return false;
  try {
    const auto header = readSafetensorsHeader(file);
    const auto format = header.metadata.find("format");
    return format != header.metadata.end() && format->second == kFormat;
  } catch (const FileError&) {
    return false;
  }
}

std::vector<std::string> pairedSectionGenes(const std::filesystem::path& file) {
  const auto header = readSafetensorsHeader(file);
  try {
    return nlohmann::json::parse(header.metadata.at("genes")).get<std::vector<std::string>>();
  } catch (const std::exception& e) {
    throw FileError(file, std::string("bad paired-section metadata: ") + e.what());
  }
}

PairedSection withGeneOrder(const PairedSection& section, const std::vector<std::string>& genes) {
  if (section.genes == genes) return section;
  std::map<std::string, std::size_t> index;
  for (std::size_t g = 0; g < section.genes.size(); ++g) index[section.genes[g]] = g;
  PairedSection out = section;
  out.genes = genes;
  const std::size_t plane =
      std::size_t(section.planes()) * section.grid.height * section.grid.width;
  out.counts.assign(genes.size() * plane, 0.f);
  for (std::size_t g = 0; g < genes.size(); ++g) {
    const auto it = index.find(genes[g]);
    if (it == index.end())
      throw std::invalid_argument("the paired section has no gene '" + genes[g] + "'");
    std::copy_n(section.counts.begin() + std::ptrdiff_t(it->second * plane), plane,
                out.counts.begin() + std::ptrdiff_t(g * plane));
  }
  return out;
}

PairedSection openPairedSection(const std::filesystem::path& data, const ModelConfig& config,
                                const std::vector<std::string>& genes,
                                const ReadProgress& progress) {
  if (!isPairedSectionFile(data))
    return preparePairedSection(loadSpatialDataset(data, progress), config, genes);
  const auto section = loadPairedSection(data);
  const double binUm = config.binPixels() * config.pixelUm;
  if (section.binPixels != config.binPixels() ||
      std::abs(section.grid.binUm - binUm) > 1e-6 * binUm)
    throw FileError(data, fmt::format("was prepared for bins of {} px and {} um; configuration {} "
                                      "needs {} px and {} um",
                                      section.binPixels, section.grid.binUm, config.name,
                                      config.binPixels(), binUm));
  try {
    return withGeneOrder(section, genes);
  } catch (const std::invalid_argument& e) {
    throw FileError(data, e.what());
  }
}

}  // namespace teramind
