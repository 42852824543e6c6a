#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "model/MorphologySampler.h"

namespace teramind {

// A sampler as a person chooses it (`teramind generate --sampler`, the studio): which patch
// decoders predict the noise and whether tiles read their neighbours.
struct GenerationSampler {
  std::string name;  // "blend", "halo", "naive"
  PatchDecoders decoders = PatchDecoders::Blend;
  bool naive = false;       // independent tiles: halos read as zero
  std::string description;  // for messages, e.g. "blend (both patch decoders, no borders)"
};

// "blend" (the default), "halo", "naive".
const std::vector<std::string>& samplerNames();
// Throws std::invalid_argument naming the choices for an unknown name.
GenerationSampler samplerFromName(std::string_view name);

}  // namespace teramind
