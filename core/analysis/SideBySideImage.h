#pragma once

#include <filesystem>
#include <utility>
#include <vector>

#include "analysis/ImageSimilarity.h"

namespace teramind {

// Rows of (real | generated) pairs as one 8-bit grey PNG (or any format writeVolume knows by
// the file's extension), 4 px white gutters, values 0…255 rounded and clamped; written
// atomically. Every image must have the first one's size; throws std::invalid_argument
// otherwise, or for no rows.
void writeSideBySide(const std::filesystem::path& file,
                     const std::vector<std::pair<GreyImage, GreyImage>>& rows);

}  // namespace teramind
