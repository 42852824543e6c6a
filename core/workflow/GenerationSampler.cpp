#include "workflow/GenerationSampler.h"

#include <stdexcept>

namespace teramind {
namespace {

const std::vector<GenerationSampler>& samplers() {
  static const std::vector<GenerationSampler> all = {
      {"blend", PatchDecoders::Blend, false,
       "blend (collage and original-grid decoders blended: no patch or tile borders)"},
      {"halo", PatchDecoders::Collage, false,
       "halo (the official collage decoder with neighbours' halos)"},
      {"naive", PatchDecoders::Collage, true, "naive (independent tiles, no halos)"},
  };
  return all;
}

}  // namespace

const std::vector<std::string>& samplerNames() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n;
    for (const auto& s : samplers()) n.push_back(s.name);
    return n;
  }();
  return names;
}

GenerationSampler samplerFromName(std::string_view name) {
  for (const auto& s : samplers())
    if (s.name == name) return s;
  throw std::invalid_argument("unknown sampler '" + std::string(name) +
                              "' (choose blend, halo or naive)");
}

}  // namespace teramind
