#pragma once

#include <array>
#include <filesystem>
#include <string>
#include <vector>

namespace teramind {

// How a volume's values become opacity and colour when it is ray cast. Values are fractions of
// the volume's maximum (0–1), so one preset fits the template at any resolution. This is also
// the model an opacity/colour editor binds to: points stay sorted, the first sits at 0 and the
// last at 1, and there are always at least two.
class TransferFunction {
 public:
  enum class Blend { Composite, MaximumIntensity };
  struct OpacityPoint {
    double value, opacity;
  };
  struct ColourPoint {
    double value;
    std::array<double, 3> rgb;
  };

  // The template as see-through tissue (the studio's default) and as a maximum-intensity
  // projection.
  static TransferFunction tissue();
  static TransferFunction maximumIntensity();

  TransferFunction(std::string name, Blend blend, std::vector<OpacityPoint> opacity,
                   std::vector<ColourPoint> colours);

  const std::string& name() const { return name_; }
  void setName(std::string name) { name_ = std::move(name); }
  Blend blend() const { return blend_; }
  void setBlend(Blend blend) { blend_ = blend; }
  const std::vector<OpacityPoint>& opacityPoints() const { return opacity_; }
  const std::vector<ColourPoint>& colourPoints() const { return colours_; }

  // Piecewise linear between the points.
  double opacityAt(double value) const;
  std::array<double, 3> colourAt(double value) const;

  // Editing. A new point goes in value order (its index is returned); a moved point cannot pass
  // its neighbours and the end points keep their value; values and opacities are clamped to
  // 0–1; removing an end point or one of the last two is refused (returns false).
  int addOpacityPoint(double value, double opacity);
  void moveOpacityPoint(int index, double value, double opacity);
  bool removeOpacityPoint(int index);
  int addColourPoint(double value, const std::array<double, 3>& rgb);
  void moveColourPoint(int index, double value);
  void setColour(int index, const std::array<double, 3>& rgb);
  bool removeColourPoint(int index);

  // JSON presets: {"name", "blend": "composite"|"maximum-intensity", "opacity": [[v, a], …],
  // "colour": [[v, r, g, b], …]}. Reading checks everything and names the file and the problem.
  static TransferFunction load(const std::filesystem::path& file);
  void save(const std::filesystem::path& file) const;

  bool operator==(const TransferFunction& other) const;

 private:
  std::string name_;
  Blend blend_;
  std::vector<OpacityPoint> opacity_;
  std::vector<ColourPoint> colours_;
};

// The presets in a directory (*.json, by name); a broken file throws FileError.
std::vector<TransferFunction> loadTransferFunctionPresets(const std::filesystem::path& directory);

}  // namespace teramind
