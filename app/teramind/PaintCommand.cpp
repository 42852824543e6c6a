#include <cmath>
#include <filesystem>
#include <optional>
#include <sstream>

#include <fmt/core.h>
#include <fmt/ranges.h>

#include "Commands.h"
#include "DatasetReadFlags.h"
#include "ProgressBar.h"
#include "atlas/Atlas.h"
#include "common/FileError.h"
#include "common/ResourceLocator.h"
#include "conditions/ConditionDocument.h"
#include "io/DatasetReadOptionsJson.h"
#include "io/SpatialDataset.h"
#include "transcriptomics/ConditionBinner.h"
#include "workflow/ConditionSource.h"

namespace teramind::cli {
namespace {
namespace fs = std::filesystem;

BinnedSource binSource(const ConditionSource& source) {
  ProgressBar bar("reading");
  return binConditionSource(source, std::ref(bar));
}

std::vector<double> numbers(const std::string& text, const char* option, std::size_t count) {
  std::vector<double> values;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    std::size_t used = 0;
    double value = 0;
    try {
      value = std::stod(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != item.size() || !std::isfinite(value))
      throw CLI::ValidationError(option, "'" + item + "' is not a number");
    values.push_back(value);
  }
  if (values.size() != count)
    throw CLI::ValidationError(option, fmt::format("expects {} comma-separated numbers", count));
  return values;
}

// A plane index or bin offset: integral and well inside int32 (no undefined casts).
std::int32_t integral(double value, const char* option) {
  if (value != std::floor(value) || std::abs(value) > 1e9)
    throw CLI::ValidationError(option,
                               fmt::format("{} is not a whole number of planes or bins", value));
  return std::int32_t(value);
}

struct PaintArguments {
  std::string data, document, gene, panel, atlas, region, disk, sphere, polygon, copyFrom;
  std::string offset = "0,0,0";
  double binUm = 16 * 0.108;
  int resolution = 0, plane = -1;
  std::optional<double> setValue, addValue, scaleFactor, softHardness;
  bool knockOut = false;
  DatasetReadOptions read;  // new documents: how DATA is read, recorded in the source
};

Selection selectionOf(const PaintArguments& a, const Atlas& atlas) {
  const int chosen = int(!a.region.empty()) + int(!a.disk.empty()) + int(!a.sphere.empty()) +
                     int(!a.polygon.empty());
  if (chosen != 1)
    throw CLI::ValidationError("selection",
                               "give exactly one of --region, --disk, --sphere, --polygon");
  if (!a.region.empty()) {
    const Structure* s = atlas.ontology().findAcronym(a.region);
    if (!s) throw CLI::ValidationError("--region", "unknown structure acronym '" + a.region + "'");
    AtlasRegionSelection region{s->id, std::nullopt};
    if (a.plane >= 0) region.plane = a.plane;
    return region;
  }
  if (!a.polygon.empty()) {
    PolygonSelection polygon;
    std::stringstream in(a.polygon);
    std::string vertex;
    while (in >> vertex) {
      const auto xy = numbers(vertex, "--polygon", 2);
      polygon.verticesUm.push_back({xy[0], xy[1]});
    }
    polygon.plane = std::max(a.plane, 0);
    return polygon;
  }
  const bool sphere = !a.sphere.empty();
  const auto v = numbers(sphere ? a.sphere : a.disk, sphere ? "--sphere" : "--disk", 4);
  BrushStroke brush;
  brush.centres = {{v[0], v[1], integral(v[2], sphere ? "--sphere" : "--disk")}};
  brush.radiusUm = v[3];
  brush.shape = sphere ? BrushStroke::Shape::Sphere : BrushStroke::Shape::Disk;
  if (a.softHardness) {
    brush.edge = BrushStroke::Edge::Soft;
    brush.hardness = *a.softHardness;
  }
  return brush;
}

PaintOperation operationOf(const PaintArguments& a) {
  const int chosen = int(a.setValue.has_value()) + int(a.addValue.has_value()) +
                     int(a.scaleFactor.has_value()) + int(a.knockOut) + int(!a.copyFrom.empty());
  if (chosen != 1)
    throw CLI::ValidationError(
        "operation", "give exactly one of --set, --add, --scale, --knockout, --copy-from");
  if (a.setValue) return SetValue{*a.setValue};
  if (a.addValue) return AddValue{*a.addValue};
  if (a.scaleFactor) return ScaleValue{*a.scaleFactor};
  if (a.knockOut) return KnockOut{};
  const auto o = numbers(a.offset, "--offset", 3);
  return CopyFromGene{a.copyFrom, integral(o[0], "--offset"), integral(o[1], "--offset"),
                      integral(o[2], "--offset")};
}

std::string describe(const Selection& selection, const Atlas& atlas) {
  if (const auto* r = std::get_if<AtlasRegionSelection>(&selection))
    return "region " + atlas.ontology().byId(r->structureId).acronym;
  if (const auto* p = std::get_if<PolygonSelection>(&selection))
    return fmt::format("polygon of {} vertices", p->verticesUm.size());
  const auto& b = std::get<BrushStroke>(selection);
  return fmt::format("{} brush r={} um", b.shape == BrushStroke::Shape::Disk ? "disk" : "sphere",
                     b.radiusUm);
}

void runPaint(const PaintArguments& a) {
  const fs::path documentFile(a.document);
  std::optional<ConditionDocument> document;
  ConditionSource source;
  if (fs::exists(documentFile)) {
    document.emplace(ConditionDocument::load(documentFile));
    source = ConditionSource::fromJson(documentFile, document->sourceJson());
    // The document's source says how its data is read: another reading would not be its data.
    if (hasReadOptions(a.read))
      throw CLI::ValidationError("--columns/--pixel-um/--min-qv/--landmarks",
                                 "are for new documents; " + documentFile.string() +
                                     " already records how its data is read");
  } else {
    if (a.data.empty())
      throw FileError(documentFile, "does not exist yet: give DATA to start a new document");
    source.data = fs::absolute(a.data);
    source.binUm = a.binUm;
    if (!a.panel.empty()) source.panel = GenePanel::resolve(a.panel).genes;
    source.atlas = fs::absolute(a.atlas.empty() ? bundledAtlasDirectory() : fs::path(a.atlas));
    source.atlasResolutionUm = a.resolution;
    source.read = a.read;
  }
  const Atlas atlas = Atlas::load(source.atlas, source.atlasResolutionUm);
  if (document) {
    document->setAtlas(&atlas);
  } else {
    BinnedSource binned = binSource(source);
    document.emplace(std::move(binned.condition),
                     PaintContext{&atlas, binned.placement.sectionToAtlas}, source.toJson());
  }
  const ConditionEdit edit(a.gene, selectionOf(a, atlas), operationOf(a));
  const auto gene = document->condition().geneIndex(a.gene);
  if (!gene) throw CLI::ValidationError("--gene", "the condition has no gene '" + a.gene + "'");
  const double before = document->condition().total(*gene);
  const EditCommand& command = document->apply(edit);
  document->save(documentFile);
  fmt::print("document: {}\n", documentFile.string());
  fmt::print("condition: {}\n", ConditionDocument::conditionFileFor(documentFile).string());
  fmt::print("edit: {} {} on {}\n", operationName(edit.operation()), a.gene,
             describe(edit.selection(), atlas));
  fmt::print("bins_changed: {}\n", command.changes().size());
  fmt::print("gene_total: {} -> {}\n", before, document->condition().total(*gene));
  fmt::print("edits: {}\n", document->edits().size());
}

void runReplay(const std::string& file) {
  const fs::path documentFile(file);
  ConditionDocument document = ConditionDocument::load(documentFile);
  const ConditionSource source = ConditionSource::fromJson(documentFile, document.sourceJson());
  const Atlas atlas = Atlas::load(source.atlas, source.atlasResolutionUm);
  const BinnedSource binned = binSource(source);
  const BinnedCondition replayed =
      document.replay(binned.condition, PaintContext{&atlas, binned.placement.sectionToAtlas});
  const bool identical = replayed == document.condition();
  fmt::print("document: {}\nsource: {}\nedits: {}\n", documentFile.string(), source.data.string(),
             document.edits().size());
  fmt::print("identical: {}\n", identical ? "yes" : "no");
  if (!identical)
    throw FileError(documentFile,
                    "replaying the edits on the source does not give the saved condition");
}

}  // namespace

void addPaintCommands(CLI::App& app) {
  auto* paint = app.add_subcommand(
      "paint",
      "Edit a condition: set/add/scale/knock out/copy a gene in a region, brush or polygon");
  static PaintArguments a;
  paint->add_option("DATA", a.data, "spatial dataset (only when the document is new)");
  paint->add_option("--doc", a.document, "condition document (.json), created if absent")
      ->required();
  paint->add_option("--gene", a.gene, "gene channel to edit")->required();
  paint->add_option("--bin-um", a.binUm, "new documents: bin size in µm")
      ->check(CLI::PositiveNumber);
  paint->add_option("--panel", a.panel, "new documents: gene panel preset or JSON");
  paint->add_option("--atlas", a.atlas, "new documents: atlas directory (default: bundled)");
  paint->add_option("--resolution", a.resolution, "new documents: atlas resolution in µm");
  paint->add_option("--region", a.region, "selection: an atlas structure (with descendants)");
  paint->add_option("--disk", a.disk, "selection: X,Y,PLANE,RADIUS (µm; one plane)");
  paint->add_option("--sphere", a.sphere, "selection: X,Y,PLANE,RADIUS (µm; across planes)");
  paint->add_option("--polygon", a.polygon, "selection: \"x1,y1 x2,y2 x3,y3 ...\" (µm)");
  paint->add_option("--plane", a.plane, "plane of --polygon/--region (default: 0 / every plane)");
  paint->add_option("--soft", a.softHardness,
                    "brush: soft edge, fully painted inside this fraction of the radius");
  paint->add_option("--set", a.setValue, "operation: set counts to V");
  paint->add_option("--add", a.addValue, "operation: add V");
  paint->add_option("--scale", a.scaleFactor, "operation: multiply by F");
  paint->add_flag("--knockout", a.knockOut, "operation: set to zero");
  paint->add_option("--copy-from", a.copyFrom, "operation: copy this gene's counts");
  paint->add_option("--offset", a.offset, "--copy-from: read DX,DY,DPLANE bins away");
  addDatasetReadFlags(*paint, a.read);
  paint->callback([] { runPaint(a); });

  auto* replay = app.add_subcommand(
      "replay", "Bin a document's source again, replay its edits and check the saved condition");
  static std::string document;
  replay->add_option("DOC", document, "condition document (.json)")->required();
  replay->callback([] { runReplay(document); });
}

}  // namespace teramind::cli
