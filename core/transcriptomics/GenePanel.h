#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace teramind {

// A named, ordered set of genes: the channels of a model's condition, or the pair a pathway
// map looks at. Order matters (it is the model's channel order).
struct GenePanel {
  std::string name;
  std::string description;
  std::vector<std::string> genes;

  // The method's pathway pairs: GLUT (Slc17a6, Slc17a7), DOPA (Nr4a2, Th), BLOD (Cldn5, Aqp4).
  static const std::vector<GenePanel>& presets();
  // A preset by name (case-insensitive); throws std::invalid_argument listing the presets.
  static GenePanel preset(const std::string& name);
  // A panel JSON file when `presetOrFile` names an existing file, else a preset.
  static GenePanel resolve(const std::string& presetOrFile);

  // Throws std::invalid_argument for an empty name, no genes, an empty or repeated gene.
  void validate() const;
  std::string toJson() const;
  // Throws std::invalid_argument for malformed JSON or a panel that does not validate.
  static GenePanel fromJson(const std::string& text);
  // Atomic write; reading throws FileError naming the file and the problem.
  void save(const std::filesystem::path& file) const;
  static GenePanel load(const std::filesystem::path& file);

  bool operator==(const GenePanel& o) const {
    return name == o.name && description == o.description && genes == o.genes;
  }
};

}  // namespace teramind
