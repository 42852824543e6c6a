#pragma once

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "volume/PhysicalFrame.h"
#include "volume/VoxelBox.h"
#include "volume/VoxelType.h"

namespace teramind {

template <typename ImageType>
class ImageRegion;

// A typed 3D image with a physical frame and named channels. Axis 0 varies fastest; channels
// are stored one after another (planar), so one channel is one contiguous block.
template <typename T>
class Image3D {
 public:
  using value_type = T;

  Image3D() = default;
  explicit Image3D(const Size3& dims, const PhysicalFrame& frame = {},
                   std::vector<std::string> channelNames = {"value"}, T fill = T{})
      : dims_(dims), frame_(frame), channelNames_(std::move(channelNames)) {
    if (channelNames_.empty()) throw std::invalid_argument("an image needs at least one channel");
    voxels_.assign(static_cast<std::size_t>(checkedVoxelCount(dims_, channelNames_.size())), fill);
  }

  const Size3& dims() const { return dims_; }
  std::int64_t voxelCount() const { return dims_[0] * dims_[1] * dims_[2]; }
  const PhysicalFrame& frame() const { return frame_; }
  void setFrame(const PhysicalFrame& frame) { frame_ = frame; }
  static constexpr VoxelType voxelType() { return voxelTypeOf<T>(); }

  int channelCount() const { return static_cast<int>(channelNames_.size()); }
  const std::vector<std::string>& channelNames() const { return channelNames_; }
  void setChannelNames(std::vector<std::string> names) {
    if (names.size() != channelNames_.size())
      throw std::invalid_argument("channel name count does not match the channel count");
    channelNames_ = std::move(names);
  }
  int channelIndex(const std::string& name) const {
    auto it = std::find(channelNames_.begin(), channelNames_.end(), name);
    if (it == channelNames_.end()) throw std::out_of_range("no channel named '" + name + "'");
    return static_cast<int>(it - channelNames_.begin());
  }

  std::int64_t linearIndex(std::int64_t i, std::int64_t j, std::int64_t k) const {
    return i + dims_[0] * (j + dims_[1] * k);
  }
  bool contains(const Index3& v) const { return VoxelBox{{0, 0, 0}, dims_}.contains(v); }

  // Unchecked access for inner loops.
  T& operator()(std::int64_t i, std::int64_t j, std::int64_t k, int c = 0) {
    return voxels_[c * voxelCount() + linearIndex(i, j, k)];
  }
  const T& operator()(std::int64_t i, std::int64_t j, std::int64_t k, int c = 0) const {
    return voxels_[c * voxelCount() + linearIndex(i, j, k)];
  }
  // Checked access.
  T& at(const Index3& v, int c = 0) { return voxels_.at(checkedOffset(v, c)); }
  const T& at(const Index3& v, int c = 0) const { return voxels_.at(checkedOffset(v, c)); }

  T* channelData(int c) { return voxels_.data() + checkedChannel(c) * voxelCount(); }
  const T* channelData(int c) const { return voxels_.data() + checkedChannel(c) * voxelCount(); }
  std::vector<T>& voxels() { return voxels_; }
  const std::vector<T>& voxels() const { return voxels_; }

  // Smallest and largest value of a channel; {0, 0} for an empty image.
  std::pair<double, double> valueRange(int c = 0) const {
    const T* first = channelData(c);
    const T* last = first + voxelCount();
    if (first == last) return {0.0, 0.0};
    auto [lo, hi] = std::minmax_element(first, last);
    return {static_cast<double>(*lo), static_cast<double>(*hi)};
  }

  ImageRegion<Image3D<T>> region(const VoxelBox& box);
  ImageRegion<const Image3D<T>> region(const VoxelBox& box) const;
  // A standalone image of `box`, its frame placed where the box lies in this one.
  Image3D<T> copyRegion(const VoxelBox& box) const;

 private:
  std::int64_t checkedChannel(int c) const {
    if (c < 0 || c >= channelCount())
      throw std::out_of_range("channel " + std::to_string(c) + " out of range");
    return c;
  }
  std::size_t checkedOffset(const Index3& v, int c) const {
    if (!contains(v)) throw std::out_of_range("voxel index outside the image");
    return static_cast<std::size_t>(checkedChannel(c) * voxelCount() +
                                    linearIndex(v[0], v[1], v[2]));
  }

  Size3 dims_{0, 0, 0};
  PhysicalFrame frame_;
  std::vector<std::string> channelNames_{"value"};
  std::vector<T> voxels_;
};

// A view onto a box of an image (no copy). Indices are relative to the box.
template <typename ImageType>
class ImageRegion {
 public:
  using T = typename std::remove_const_t<ImageType>::value_type;

  ImageRegion(ImageType& image, const VoxelBox& box) : image_(&image), box_(box) {
    if (!box.fitsInside(image.dims())) throw std::out_of_range("region lies outside the image");
  }

  const VoxelBox& box() const { return box_; }
  const Size3& dims() const { return box_.size; }
  PhysicalFrame frame() const { return image_->frame().shifted(box_.begin); }
  int channelCount() const { return image_->channelCount(); }

  decltype(auto) operator()(std::int64_t i, std::int64_t j, std::int64_t k, int c = 0) const {
    return (*image_)(box_.begin[0] + i, box_.begin[1] + j, box_.begin[2] + k, c);
  }

  // Only for a view of a mutable image.
  void fill(T value, int c = 0) const {
    for (std::int64_t k = 0; k < box_.size[2]; ++k)
      for (std::int64_t j = 0; j < box_.size[1]; ++j)
        for (std::int64_t i = 0; i < box_.size[0]; ++i) (*this)(i, j, k, c) = value;
  }

  Image3D<T> copy() const {
    Image3D<T> out(box_.size, frame(), image_->channelNames());
    if (box_.empty()) return out;
    for (int c = 0; c < channelCount(); ++c)
      for (std::int64_t k = 0; k < box_.size[2]; ++k)
        for (std::int64_t j = 0; j < box_.size[1]; ++j) {
          const T* src = &(*image_)(box_.begin[0], box_.begin[1] + j, box_.begin[2] + k, c);
          std::copy(src, src + box_.size[0], &out(0, j, k, c));
        }
    return out;
  }

 private:
  ImageType* image_;
  VoxelBox box_;
};

template <typename T>
ImageRegion<Image3D<T>> Image3D<T>::region(const VoxelBox& box) {
  return ImageRegion<Image3D<T>>(*this, box);
}

template <typename T>
ImageRegion<const Image3D<T>> Image3D<T>::region(const VoxelBox& box) const {
  return ImageRegion<const Image3D<T>>(*this, box);
}

template <typename T>
Image3D<T> Image3D<T>::copyRegion(const VoxelBox& box) const {
  return region(box).copy();
}

}  // namespace teramind
