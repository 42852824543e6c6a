#include "volume/TransferFunction.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "common/AtomicFileWrite.h"
#include "common/FileError.h"

namespace teramind {
namespace {

double clamp01(double x) {
  return std::clamp(x, 0.0, 1.0);
}

template <typename Point>
void checkPoints(const std::vector<Point>& points, const char* what) {
  const std::string kind(what);
  if (points.size() < 2) throw std::invalid_argument(kind + " needs at least two points");
  if (points.front().value != 0.0 || points.back().value != 1.0)
    throw std::invalid_argument(kind + " must start at value 0 and end at value 1");
  for (std::size_t i = 0; i < points.size(); ++i) {
    if (!(points[i].value >= 0 && points[i].value <= 1))
      throw std::invalid_argument(kind + " point " + std::to_string(i) + " lies outside 0–1");
    if (i > 0 && points[i].value < points[i - 1].value)
      throw std::invalid_argument(kind + " points are not in value order at point " +
                                  std::to_string(i));
  }
}

// The segment [i-1, i] holding `value`, with the weight of point i.
template <typename Point>
std::pair<std::size_t, double> segment(const std::vector<Point>& points, double value) {
  value = clamp01(value);
  std::size_t i = 1;
  while (i + 1 < points.size() && points[i].value < value) ++i;
  const double span = points[i].value - points[i - 1].value;
  return {i, span > 0 ? clamp01((value - points[i - 1].value) / span) : 1.0};
}

// Where point `index` may move: between its neighbours; the end points stay at 0 and 1.
template <typename Point>
double allowedValue(const std::vector<Point>& points, int index, double value) {
  const auto i = std::size_t(index);
  if (i == 0) return 0.0;
  if (i + 1 == points.size()) return 1.0;
  return std::clamp(value, points[i - 1].value, points[i + 1].value);
}

template <typename Point>
void checkIndex(const std::vector<Point>& points, int index) {
  if (index < 0 || std::size_t(index) >= points.size())
    throw std::out_of_range("no transfer-function point " + std::to_string(index));
}

template <typename Point>
int insertSorted(std::vector<Point>& points, Point p) {
  p.value = clamp01(p.value);
  auto at = std::upper_bound(points.begin(), points.end(), p.value,
                             [](double v, const Point& q) { return v < q.value; });
  if (at == points.end()) --at;                // value 1: stays before the end point
  if (at == points.begin()) ++at;              // value 0: stays after the first point
  const auto inserted = points.insert(at, p);  // may reallocate: measure from the new begin
  return int(inserted - points.begin());
}

template <typename Point>
bool removeInner(std::vector<Point>& points, int index) {
  checkIndex(points, index);
  if (index == 0 || std::size_t(index) + 1 == points.size() || points.size() <= 2) return false;
  points.erase(points.begin() + index);
  return true;
}

const char* blendName(TransferFunction::Blend blend) {
  return blend == TransferFunction::Blend::MaximumIntensity ? "maximum-intensity" : "composite";
}

}  // namespace

TransferFunction TransferFunction::tissue() {
  return TransferFunction("tissue", Blend::Composite, {{0, 0}, {0.15, 0}, {0.45, 0.015}, {1, 0.12}},
                          {{0, {0, 0, 0}}, {0.3, {0.55, 0.5, 0.45}}, {1, {1.0, 0.97, 0.9}}});
}

TransferFunction TransferFunction::maximumIntensity() {
  return TransferFunction("maximum intensity", Blend::MaximumIntensity, {{0, 0}, {0.1, 0}, {1, 1}},
                          {{0, {0, 0, 0}}, {0.3, {0.55, 0.5, 0.45}}, {1, {1.0, 0.97, 0.9}}});
}

TransferFunction::TransferFunction(std::string name, Blend blend, std::vector<OpacityPoint> opacity,
                                   std::vector<ColourPoint> colours)
    : name_(std::move(name)),
      blend_(blend),
      opacity_(std::move(opacity)),
      colours_(std::move(colours)) {
  checkPoints(opacity_, "opacity");
  checkPoints(colours_, "colour");
  for (const auto& p : opacity_)
    if (!(p.opacity >= 0 && p.opacity <= 1))
      throw std::invalid_argument("an opacity lies outside 0–1");
  for (const auto& p : colours_)
    for (double c : p.rgb)
      if (!(c >= 0 && c <= 1)) throw std::invalid_argument("a colour component lies outside 0–1");
}

double TransferFunction::opacityAt(double value) const {
  const auto [i, w] = segment(opacity_, value);
  return (1 - w) * opacity_[i - 1].opacity + w * opacity_[i].opacity;
}

std::array<double, 3> TransferFunction::colourAt(double value) const {
  const auto [i, w] = segment(colours_, value);
  std::array<double, 3> rgb{};
  for (std::size_t c = 0; c < 3; ++c)
    rgb[c] = (1 - w) * colours_[i - 1].rgb[c] + w * colours_[i].rgb[c];
  return rgb;
}

int TransferFunction::addOpacityPoint(double value, double opacity) {
  return insertSorted(opacity_, OpacityPoint{value, clamp01(opacity)});
}

void TransferFunction::moveOpacityPoint(int index, double value, double opacity) {
  checkIndex(opacity_, index);
  auto& p = opacity_[std::size_t(index)];
  p.value = allowedValue(opacity_, index, value);
  p.opacity = clamp01(opacity);
}

bool TransferFunction::removeOpacityPoint(int index) {
  return removeInner(opacity_, index);
}

int TransferFunction::addColourPoint(double value, const std::array<double, 3>& rgb) {
  return insertSorted(colours_,
                      ColourPoint{value, {clamp01(rgb[0]), clamp01(rgb[1]), clamp01(rgb[2])}});
}

void TransferFunction::moveColourPoint(int index, double value) {
  checkIndex(colours_, index);
  colours_[std::size_t(index)].value = allowedValue(colours_, index, value);
}

void TransferFunction::setColour(int index, const std::array<double, 3>& rgb) {
  checkIndex(colours_, index);
  colours_[std::size_t(index)].rgb = {clamp01(rgb[0]), clamp01(rgb[1]), clamp01(rgb[2])};
}

bool TransferFunction::removeColourPoint(int index) {
  return removeInner(colours_, index);
}

bool TransferFunction::operator==(const TransferFunction& o) const {
  const auto sameOpacity = [](const OpacityPoint& a, const OpacityPoint& b) {
    return a.value == b.value && a.opacity == b.opacity;
  };
  const auto sameColour = [](const ColourPoint& a, const ColourPoint& b) {
    return a.value == b.value && a.rgb == b.rgb;
  };
  return name_ == o.name_ && blend_ == o.blend_ &&
         std::equal(opacity_.begin(), opacity_.end(), o.opacity_.begin(), o.opacity_.end(),
                    sameOpacity) &&
         std::equal(colours_.begin(), colours_.end(), o.colours_.begin(), o.colours_.end(),
                    sameColour);
}

TransferFunction TransferFunction::load(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw FileError(file, "cannot open the transfer-function preset");
  try {
    const auto j = nlohmann::json::parse(in);
    const std::string blend = j.at("blend").get<std::string>();
    if (blend != "composite" && blend != "maximum-intensity")
      throw std::invalid_argument("blend must be \"composite\" or \"maximum-intensity\", not \"" +
                                  blend + "\"");
    std::vector<OpacityPoint> opacity;
    for (const auto& p : j.at("opacity")) {
      if (!p.is_array() || p.size() != 2)
        throw std::invalid_argument("an opacity point must be [value, opacity]");
      opacity.push_back({p[0].get<double>(), p[1].get<double>()});
    }
    std::vector<ColourPoint> colours;
    for (const auto& p : j.at("colour")) {
      if (!p.is_array() || p.size() != 4)
        throw std::invalid_argument("a colour point must be [value, red, green, blue]");
      colours.push_back(
          {p[0].get<double>(), {p[1].get<double>(), p[2].get<double>(), p[3].get<double>()}});
    }
    return TransferFunction(j.at("name").get<std::string>(),
                            blend == "composite" ? Blend::Composite : Blend::MaximumIntensity,
                            std::move(opacity), std::move(colours));
  } catch (const FileError&) {
    throw;
  } catch (const std::exception& e) {
    throw FileError(file, std::string("not a valid transfer-function preset: ") + e.what());
  }
}

void TransferFunction::save(const std::filesystem::path& file) const {
  nlohmann::json j;
  j["name"] = name_;
  j["blend"] = blendName(blend_);
  j["opacity"] = nlohmann::json::array();
  for (const auto& p : opacity_) j["opacity"].push_back({p.value, p.opacity});
  j["colour"] = nlohmann::json::array();
  for (const auto& p : colours_) j["colour"].push_back({p.value, p.rgb[0], p.rgb[1], p.rgb[2]});
  writeFileAtomically(file, [&](const std::filesystem::path& temporary) {
    std::ofstream out(temporary);
    out << j.dump(2) << '\n';
    if (!out) throw FileError(file, "cannot write the transfer-function preset");
  });
}

std::vector<TransferFunction> loadTransferFunctionPresets(const std::filesystem::path& directory) {
  std::map<std::string, TransferFunction> byName;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(directory, ec))
    if (entry.path().extension() == ".json") {
      auto tf = TransferFunction::load(entry.path());
      byName.insert_or_assign(tf.name(), std::move(tf));
    }
  std::vector<TransferFunction> presets;
  for (auto& [name, tf] : byName) presets.push_back(std::move(tf));
  return presets;
}

}  // namespace teramind
