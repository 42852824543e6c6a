#include "workflow/RealStainsOfJob.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>
#include <stdexcept>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "common/AsciiCase.h"
#include "common/FileError.h"
#include "generation/OmeZarrTileSink.h"
#include "io/StainImageSource.h"
#include "workflow/JobFingerprint.h"

namespace teramind {
GeneratedJob readGeneratedJob(const OmeZarrStore& output) {
  GeneratedJob job;
  job.file = output.path() / kJobFileName;
  std::string text;
  if (std::filesystem::exists(job.file)) {
    text = readJobFile(job.file);
  } else {
    // Older outputs: the job description the store was created with.
    text = output.attributes();
    if (text == "{}" || text.empty())
      throw FileError(job.file,
                      "absent: not a generation job's output, so which tissue it shows "
                      "is unknown");
    job.file = output.path();
  }
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw FileError(job.file, fmt::format("not a job description: {}", e.what()));
  }
  try {
    if (!j.is_object()) throw FileError(job.file, "not a job description (not a JSON object)");
    if (!j.contains("data") || !j["data"].is_string() || j["data"].get<std::string>().empty())
      throw FileError(job.file, "names no dataset ('data'), so its real tissue is unknown");
    job.data = j["data"].get<std::string>();
    if (!j.contains("planes") || !j["planes"].is_array() || j["planes"].empty())
      throw FileError(job.file, "names no planes ('planes')");
    for (const auto& p : j["planes"]) job.firstPlanes.push_back(p.get<int>());
    if (j.contains("region") && j["region"].is_string()) job.region = j["region"];
    job.edited =
        j.contains("edits") && j["edits"].is_string() && !j["edits"].get<std::string>().empty();
    job.read = jobReadOptions(text);
  } catch (const std::invalid_argument& e) {
    throw FileError(job.file, fmt::format("not a job description: {}", e.what()));
  } catch (const nlohmann::json::exception& e) {
    throw FileError(job.file, fmt::format("not a job description: {}", e.what()));
  }
  for (int p : job.firstPlanes)
    if (p < 0) throw FileError(job.file, fmt::format("plane {} is negative", p));
  return job;
}

RealStainsOfJob::RealStainsOfJob(const OmeZarrStore& store)
    : job_(readGeneratedJob(store)), layout_(store.layout()) {
  const int pairs = static_cast<int>(job_.firstPlanes.size());
  if (layout_.planes <= 0 || layout_.planes % pairs != 0)
    throw FileError(job_.file, fmt::format("{} plane pairs do not divide the output's {} planes",
                                           pairs, layout_.planes));
  outputSections_ = layout_.planes / pairs;
  if (!std::filesystem::exists(job_.data))
    throw FileError(job_.data, fmt::format("is gone (the dataset {} names): no real stains to "
                                           "compare with",
                                           job_.file.string()));
  // Where the stains are, not the molecules: a whole section's transcripts are not read.
  const SpatialDataset dataset =
      loadSpatialDataset(job_.data, {}, DatasetContent::StainImagesOnly, job_.read);
  if (dataset.stains.empty())
    throw FileError(dataset.source, "has no stain images: no real stains to compare with");
  micronToPixel_ = dataset.micronToPixelTransform;
  stainPixelUm_ = dataset.stainPixelUm;
  for (const auto& channel : layout_.channels) {
    std::set<int> planesOfStain;
    for (const auto& im : dataset.stains)
      if (asciiLower(im.stain) == asciiLower(channel)) planesOfStain.insert(im.plane);
    for (int k = 0; k < layout_.planes; ++k) {
      const int z = sectionPlane(k);
      // A single-plane dataset is repeated onto every generated section: its plane is theirs.
      const int wanted = planesOfStain.size() == 1 ? *planesOfStain.begin() : z;
      const auto it =
          std::find_if(dataset.stains.begin(), dataset.stains.end(), [&](const StainImage& im) {
            return asciiLower(im.stain) == asciiLower(channel) && im.plane == wanted;
          });
      if (it == dataset.stains.end())
        throw FileError(dataset.source,
                        fmt::format("no {} image for plane {} (output plane {}): no real stain "
                                    "to compare with",
                                    channel, z, k));
      images_.push_back(*it);
    }
  }
}

RealStainsOfJob::~RealStainsOfJob() = default;
RealStainsOfJob::RealStainsOfJob(RealStainsOfJob&&) noexcept = default;
RealStainsOfJob& RealStainsOfJob::operator=(RealStainsOfJob&&) noexcept = default;

int RealStainsOfJob::sectionPlane(int plane) const {
  return job_.firstPlanes[std::size_t(plane / outputSections_)] + plane % outputSections_;
}

const std::filesystem::path& RealStainsOfJob::imageFile(int channel, int plane) const {
  if (channel < 0 || channel >= int(layout_.channels.size()) || plane < 0 ||
      plane >= layout_.planes)
    throw std::invalid_argument(fmt::format("no channel {} plane {} in a store of {} x {}", channel,
                                            plane, layout_.channels.size(), layout_.planes));
  return images_[std::size_t(channel) * layout_.planes + plane].file;
}

const StainImageSource& RealStainsOfJob::source(int channel, int plane) const {
  const auto& file = imageFile(channel, plane);  // checks the indices
  const StainImage& image = images_[std::size_t(channel) * layout_.planes + plane];
  // An OME-Zarr image (SpatialData) holds every channel and plane in one folder: they are part
  // of what is opened, and it is placed by its own extent.
  const auto key =
      image.zarrChannel
          ? file / fmt::format("channel {} z {}", image.zarrChannel->channel, image.zarrChannel->z)
          : file;
  auto& open = opened_[key];
  if (!open)
    open = image.zarrChannel ? std::make_unique<StainImageSource>(file, *image.zarrChannel)
           : stainPixelUm_   ? std::make_unique<StainImageSource>(file, *stainPixelUm_)
                             : std::make_unique<StainImageSource>(file, micronToPixel_);
  return *open;
}

std::vector<std::uint8_t> RealStainsOfJob::readWindow(int channel, int plane, std::int64_t x0,
                                                      std::int64_t y0, int w, int h) const {
  constexpr std::int64_t kMaxPixels = std::int64_t(1) << 26;
  if (w <= 0 || h <= 0 || std::int64_t(w) * h > kMaxPixels)
    throw std::invalid_argument(
        fmt::format("a real-stain window of {} x {} px (at most {} px)", w, h, kMaxPixels));
  std::vector<float> values(std::size_t(w) * std::size_t(h));
  const double um = layout_.pixelUm;
  source(channel, plane)
      .resample(layout_.originXUm + double(x0) * um, layout_.originYUm + double(y0) * um, um, w, h,
                values.data());
  std::vector<std::uint8_t> pixels(values.size());
  // As generated chunks are stored.
  for (std::size_t i = 0; i < values.size(); ++i) pixels[i] = OmeZarrTileSink::toByte(values[i]);
  return pixels;
}

RealStainsOfJob::PixelBox RealStainsOfJob::coveredBox() const {
  constexpr std::int64_t kFar = std::int64_t(1) << 40;
  PixelBox box{-kFar, -kFar, kFar, kFar};
  const double um = layout_.pixelUm;
  for (int ch = 0; ch < int(layout_.channels.size()); ++ch)
    for (int z = 0; z < layout_.planes; ++z) {
      const auto& e = source(ch, z).extent();
      // Whole store pixels inside the image's extent.
      box.x0 = std::max(box.x0, std::int64_t(std::ceil((e.xMin - layout_.originXUm) / um - 1e-6)));
      box.y0 = std::max(box.y0, std::int64_t(std::ceil((e.yMin - layout_.originYUm) / um - 1e-6)));
      box.x1 = std::min(box.x1, std::int64_t(std::floor((e.xMax - layout_.originXUm) / um + 1e-6)));
      box.y1 = std::min(box.y1, std::int64_t(std::floor((e.yMax - layout_.originYUm) / um + 1e-6)));
    }
  return box;
}

std::vector<std::uint8_t> RealStainsOfJob::readTile(int channel, int plane, std::int64_t row,
                                                    std::int64_t col) const {
  const int T = layout_.chunk;
  return readWindow(channel, plane, col * T, row * T, T, T);
}

}  // namespace teramind
