#include "transcriptomics/GenePanel.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "common/AsciiCase.h"
#include "common/AtomicFileWrite.h"
#include "common/FileError.h"

namespace teramind {
const std::vector<GenePanel>& GenePanel::presets() {
  static const std::vector<GenePanel> kPresets = {
      {"GLUT",
       "Glutamatergic signalling: vesicular glutamate transporters 2 and 1",
       {"Slc17a6", "Slc17a7"}},
      {"DOPA", "Dopaminergic signalling: Nurr1 and tyrosine hydroxylase", {"Nr4a2", "Th"}},
      {"BLOD", "Blood-brain barrier: claudin-5 and aquaporin-4", {"Cldn5", "Aqp4"}},
  };
  return kPresets;
}

GenePanel GenePanel::preset(const std::string& name) {
  std::string known;
  for (const auto& p : presets()) {
    if (asciiLower(p.name) == asciiLower(name)) return p;
    known += (known.empty() ? "" : ", ") + p.name;
  }
  throw std::invalid_argument("unknown gene panel '" + name + "' (presets: " + known + ")");
}

GenePanel GenePanel::resolve(const std::string& presetOrFile) {
  if (std::filesystem::exists(presetOrFile)) return load(presetOrFile);
  return preset(presetOrFile);
}

void GenePanel::validate() const {
  if (name.empty()) throw std::invalid_argument("gene panel has no name");
  if (genes.empty()) throw std::invalid_argument("gene panel '" + name + "' has no genes");
  std::set<std::string> seen;
  for (const auto& g : genes) {
    if (g.empty()) throw std::invalid_argument("gene panel '" + name + "' has an empty gene name");
    if (!seen.insert(g).second)
      throw std::invalid_argument("gene panel '" + name + "' lists '" + g + "' twice");
  }
}

std::string GenePanel::toJson() const {
  nlohmann::ordered_json j;
  j["name"] = name;
  j["description"] = description;
  j["genes"] = genes;
  return j.dump(2) + "\n";
}

GenePanel GenePanel::fromJson(const std::string& text) {
  GenePanel panel;
  try {
    const auto j = nlohmann::json::parse(text);
    if (!j.is_object()) throw std::invalid_argument("a gene panel is a JSON object");
    panel.name = j.at("name").get<std::string>();
    panel.description = j.value("description", "");
    panel.genes = j.at("genes").get<std::vector<std::string>>();
  } catch (const nlohmann::json::exception& e) {
    throw std::invalid_argument(std::string("malformed gene panel: ") + e.what());
  }
  panel.validate();
  return panel;
}

void GenePanel::save(const std::filesystem::path& file) const {
  validate();
  writeFileAtomically(file, [&](const std::filesystem::path& temporary) {
    std::ofstream out(temporary);
    out << toJson();
    if (!out) throw FileError(temporary, "cannot be written");
  });
}

GenePanel GenePanel::load(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw FileError(file, "cannot be opened for reading");
  std::stringstream text;
  text << in.rdbuf();
  try {
    return fromJson(text.str());
  } catch (const std::invalid_argument& e) {
    throw FileError(file, e.what());
  }
}

}  // namespace teramind
