#include "io/LandmarkFile.h"

#include <unordered_map>

#include <fmt/core.h>

#include "common/AtomicFileWrite.h"
#include "common/FileError.h"
#include "transcriptomics/DelimitedTextReader.h"

namespace teramind {
namespace {

constexpr std::size_t kMaxNameBytes = 256;

// RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled.
std::string csvField(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos && !text.empty() && text.front() != ' ' &&
      text.back() != ' ')
    return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace

std::vector<Landmark> readLandmarks(const std::filesystem::path& file) {
  DelimitedTextReader in(file);
  in.readHeader();
  const std::size_t name = in.column("name");
  const std::size_t sx = in.column("section_x_um"), sy = in.column("section_y_um");
  const std::size_t ax = in.column("atlas_x_um"), ay = in.column("atlas_y_um"),
                    az = in.column("atlas_z_um");
  std::vector<Landmark> landmarks;
  std::unordered_map<std::string, std::uint64_t> lineOfName;
  while (in.next()) {
    in.requireHeaderWidth();
    if (landmarks.size() == kMaxLandmarks)
      in.fail("more than " + std::to_string(kMaxLandmarks) + " landmarks");
    Landmark l;
    l.name = std::string(in.field(name));
    if (l.name.size() > kMaxNameBytes)
      in.fail("column 'name': longer than " + std::to_string(kMaxNameBytes) + " bytes");
    if (l.name.empty()) l.name = "L" + std::to_string(landmarks.size() + 1);
    const auto [it, added] = lineOfName.emplace(l.name, in.lineNumber());
    if (!added)
      in.fail("column 'name': '" + l.name + "' is used twice (first on line " +
              std::to_string(it->second) + ")");
    l.sectionXUm = in.number(sx);
    l.sectionYUm = in.number(sy);
    l.atlasUm = {in.number(ax), in.number(ay), in.number(az)};
    landmarks.push_back(std::move(l));
  }
  if (landmarks.empty()) throw FileError(file, "holds no landmarks");
  return landmarks;
}

std::string landmarksCsv(const std::vector<Landmark>& landmarks,
                         const std::optional<LandmarkFit>& fit) {
  const bool residuals = fit && fit->residualUm.size() == landmarks.size();
  std::string text = "name,section_x_um,section_y_um,atlas_x_um,atlas_y_um,atlas_z_um";
  text += residuals ? ",residual_um\n" : "\n";
  for (std::size_t i = 0; i < landmarks.size(); ++i) {
    const Landmark& l = landmarks[i];
    text += fmt::format("{},{},{},{},{},{}", csvField(l.name), l.sectionXUm, l.sectionYUm,
                        l.atlasUm[0], l.atlasUm[1], l.atlasUm[2]);
    text += residuals ? fmt::format(",{:.3f}\n", fit->residualUm[i]) : "\n";
  }
  return text;
}

void writeLandmarks(const std::filesystem::path& file, const std::vector<Landmark>& landmarks,
                    const std::optional<LandmarkFit>& fit) {
  writeTextFileAtomically(file, landmarksCsv(landmarks, fit));
}

}  // namespace teramind
