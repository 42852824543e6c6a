#include "atlas/AtlasSlice.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>

namespace teramind {

const char* sliceOrientationName(SliceOrientation orientation) {
  switch (orientation) {
    case SliceOrientation::Coronal:
      return "coronal";
    case SliceOrientation::Horizontal:
      return "horizontal";
    case SliceOrientation::Sagittal:
      return "sagittal";
  }
  return "?";
}

SliceAxes SliceAxes::of(SliceOrientation orientation) {
  switch (orientation) {
    case SliceOrientation::Coronal:
      return {0, 2, 1};
    case SliceOrientation::Horizontal:
      return {1, 2, 0};
    case SliceOrientation::Sagittal:
      return {2, 0, 1};
  }
  throw std::invalid_argument("unknown slice orientation");
}

std::array<std::uint8_t, 4> AtlasSliceImage::pixel(int column, int row) const {
  const auto* p = rgba.data() + (std::size_t(row) * std::size_t(width) + std::size_t(column)) * 4;
  return {p[0], p[1], p[2], p[3]};
}

SliceCursor::SliceCursor(const Size3& dims)
    : dims_(dims), voxel_{dims[0] / 2, dims[1] / 2, dims[2] / 2} {
  if (dims[0] <= 0 || dims[1] <= 0 || dims[2] <= 0)
    throw std::invalid_argument("slice cursor: empty grid");
}

int SliceCursor::sliceIndex(SliceOrientation orientation) const {
  return int(voxel_[std::size_t(SliceAxes::of(orientation).fixedAxis)]);
}

int SliceCursor::sliceCount(SliceOrientation orientation) const {
  return int(dims_[std::size_t(SliceAxes::of(orientation).fixedAxis)]);
}

void SliceCursor::moveTo(const Index3& voxel) {
  for (std::size_t a = 0; a < 3; ++a)
    voxel_[a] = std::clamp<std::int64_t>(voxel[a], 0, dims_[a] - 1);
}

void SliceCursor::moveTo(const Vec3& pointUm, double resolutionUm) {
  Index3 v{};
  for (std::size_t a = 0; a < 3; ++a) {
    const double i = std::floor(pointUm[a] / resolutionUm + 0.5);  // voxel centres at i × res
    v[a] = std::int64_t(std::clamp(i, -1.0, double(dims_[a])));
  }
  moveTo(v);
}

bool SliceCursor::step(SliceOrientation orientation, int delta) {
  const auto axis = std::size_t(SliceAxes::of(orientation).fixedAxis);
  const auto before = voxel_[axis];
  voxel_[axis] = std::clamp<std::int64_t>(before + delta, 0, dims_[axis] - 1);
  return voxel_[axis] != before;
}

std::optional<Index3> sliceVoxel(const Size3& dims, SliceOrientation orientation, int index,
                                 double column, double row) {
  const auto axes = SliceAxes::of(orientation);
  const double c = std::floor(column + 0.5), r = std::floor(row + 0.5);
  Index3 v{};
  v[std::size_t(axes.fixedAxis)] = index;
  v[std::size_t(axes.columnAxis)] = std::int64_t(c);
  v[std::size_t(axes.rowAxis)] = std::int64_t(r);
  for (std::size_t a = 0; a < 3; ++a)
    if (v[a] < 0 || v[a] >= dims[a]) return std::nullopt;
  return v;
}

AtlasSliceImage renderAtlasSlice(const Atlas& atlas, SliceOrientation orientation, int index,
                                 const AtlasSliceStyle& style) {
  const auto& annotation = atlas.annotation();
  const auto& dims = annotation.dims();
  const auto axes = SliceAxes::of(orientation);
  if (index < 0 || index >= dims[std::size_t(axes.fixedAxis)])
    throw std::out_of_range("slice " + std::to_string(index) + " is outside the " +
                            sliceOrientationName(orientation) + " range 0–" +
                            std::to_string(dims[std::size_t(axes.fixedAxis)] - 1));
  AtlasSliceImage image;
  image.width = int(dims[std::size_t(axes.columnAxis)]);
  image.height = int(dims[std::size_t(axes.rowAxis)]);
  image.rgba.assign(std::size_t(image.width) * std::size_t(image.height) * 4, 0);

  const auto voxelAt = [&](int column, int row) {
    Index3 v{};
    v[std::size_t(axes.fixedAxis)] = index;
    v[std::size_t(axes.columnAxis)] = column;
    v[std::size_t(axes.rowAxis)] = row;
    return v;
  };
  const auto labelAt = [&](int column, int row) {
    const auto v = voxelAt(column, row);
    return annotation(v[0], v[1], v[2]);
  };

  const auto& templ = atlas.templateImage();
  double greyScale = 0;
  if (templ && style.templateMax > 0) {
    greyScale = 255.0 / style.templateMax;
  } else if (templ) {
    float top = 0;
    for (int r = 0; r < image.height; ++r)
      for (int c = 0; c < image.width; ++c) {
        const auto v = voxelAt(c, r);
        top = std::max(top, (*templ)(v[0], v[1], v[2]));
      }
    greyScale = top > 0 ? 255.0 / double(top) : 0;
  }

  std::unordered_set<StructureId> selected;
  if (style.selected && atlas.ontology().contains(*style.selected))
    for (StructureId id : atlas.ontology().subtree(*style.selected)) selected.insert(id);
  std::unordered_map<std::uint32_t, std::array<std::uint8_t, 3>> colours;
  const auto colourOf = [&](std::uint32_t label) {
    auto it = colours.find(label);
    if (it == colours.end()) {
      const Structure* s = atlas.ontology().find(StructureId(label));
      it = colours.emplace(label, s ? s->color : std::array<std::uint8_t, 3>{128, 128, 128}).first;
    }
    return it->second;
  };

  const double baseAlpha = templ ? style.labelOpacity : 1.0;
  for (int r = 0; r < image.height; ++r)
    for (int c = 0; c < image.width; ++c) {
      auto* out =
          image.rgba.data() + (std::size_t(r) * std::size_t(image.width) + std::size_t(c)) * 4;
      double rgb[3] = {0, 0, 0};
      if (templ) {
        const auto v = voxelAt(c, r);
        const double g = std::min(255.0, double((*templ)(v[0], v[1], v[2])) * greyScale);
        rgb[0] = rgb[1] = rgb[2] = g;
      }
      const std::uint32_t label = labelAt(c, r);
      if (label != 0 && (style.labels || selected.count(StructureId(label)))) {
        const bool isSelected = selected.count(StructureId(label)) != 0;
        double alpha = isSelected ? std::max(0.85, baseAlpha) : baseAlpha;
        if (!selected.empty() && !isSelected) alpha *= 0.5;  // the selection stands out
        const auto colour = colourOf(label);
        for (int k = 0; k < 3; ++k) rgb[k] = (1 - alpha) * rgb[k] + alpha * colour[std::size_t(k)];
        const bool edge =
            style.boundaries && ((c + 1 < image.width && labelAt(c + 1, r) != label) ||
                                 (r + 1 < image.height && labelAt(c, r + 1) != label));
        if (edge)
          for (double& x : rgb) x *= isSelected ? 0.3 : 0.6;
      }
      for (int k = 0; k < 3; ++k)
        out[k] = std::uint8_t(std::lround(std::clamp(rgb[k], 0.0, 255.0)));
      out[3] = 255;
    }
  return image;
}

std::optional<Index3> regionCentreVoxel(const Atlas& atlas, StructureId id) {
  const auto box = atlas.boundingBox(id);
  if (!box) return std::nullopt;
  std::unordered_set<std::uint32_t> ids;
  for (StructureId s : atlas.ontology().subtree(id)) ids.insert(std::uint32_t(s));
  const auto& ann = atlas.annotation();
  const auto forEach = [&](auto&& visit) {
    for (auto k = box->begin[2]; k < box->begin[2] + box->size[2]; ++k)
      for (auto j = box->begin[1]; j < box->begin[1] + box->size[1]; ++j)
        for (auto i = box->begin[0]; i < box->begin[0] + box->size[0]; ++i)
          if (ids.count(ann(i, j, k))) visit(Index3{i, j, k});
  };
  double sum[3] = {0, 0, 0};
  double n = 0;
  forEach([&](const Index3& v) {
    for (int a = 0; a < 3; ++a) sum[a] += double(v[std::size_t(a)]);
    ++n;
  });
  if (n == 0) return std::nullopt;
  // A curved region's centroid may lie outside it: take the region voxel nearest to it.
  std::optional<Index3> best;
  double bestDistance = 0;
  forEach([&](const Index3& v) {
    double d = 0;
    for (int a = 0; a < 3; ++a) d += std::pow(double(v[std::size_t(a)]) - sum[a] / n, 2);
    if (!best || d < bestDistance) {
      best = v;
      bestDistance = d;
    }
  });
  return best;
}

}  // namespace teramind
