#include "conditions/ConditionEditJson.h"

#include <limits>
#include <stdexcept>

#include "conditions/ConditionEditJsonValue.h"

namespace teramind {
namespace {

using nlohmann::json;

const json& field(const json& object, const char* name) {
  return jsonField(object, name);
}

// The JSON number as is: nlohmann reads decimal text with correct rounding, and an integer
// written by hand ("value": 3) converts exactly.
double number(const json& value, const char* name) {
  if (!value.is_number())
    throw std::invalid_argument(std::string("'") + name + "' must be a number");
  return value.get<double>();
}

std::int32_t integer(const json& value, const char* name) {
  if (!value.is_number_integer())
    throw std::invalid_argument(std::string("'") + name + "' must be an integer");
  if (value.is_number_unsigned()) {
    const auto u = value.get<std::uint64_t>();
    if (u > std::uint64_t(std::numeric_limits<std::int32_t>::max()))
      throw std::invalid_argument(std::string("'") + name + "' is out of range");
    return std::int32_t(u);
  }
  const auto i = value.get<std::int64_t>();
  if (i < std::numeric_limits<std::int32_t>::min() || i > std::numeric_limits<std::int32_t>::max())
    throw std::invalid_argument(std::string("'") + name + "' is out of range");
  return std::int32_t(i);
}

std::string text(const json& value, const char* name) {
  if (!value.is_string())
    throw std::invalid_argument(std::string("'") + name + "' must be a string");
  return value.get<std::string>();
}

const json& array(const json& value, const char* name, std::size_t size = 0) {
  if (!value.is_array() || (size && value.size() != size))
    throw std::invalid_argument(std::string("'") + name + "' must be an array" +
                                (size ? " of " + std::to_string(size) : std::string()));
  return value;
}

struct SelectionWriter {
  json operator()(const BrushStroke& s) const {
    json centres = json::array();
    for (const auto& c : s.centres) centres.push_back({c.xUm, c.yUm, c.plane});
    return {{"type", "brush"},
            {"shape", s.shape == BrushStroke::Shape::Disk ? "disk" : "sphere"},
            {"edge", s.edge == BrushStroke::Edge::Hard ? "hard" : "soft"},
            {"radius_um", s.radiusUm},
            {"hardness", s.hardness},
            {"centres", centres}};
  }
  json operator()(const PolygonSelection& s) const {
    json vertices = json::array();
    for (const auto& v : s.verticesUm) vertices.push_back({v[0], v[1]});
    return {{"type", "polygon"}, {"plane", s.plane}, {"vertices_um", vertices}};
  }
  json operator()(const AtlasRegionSelection& s) const {
    return {{"type", "atlas_region"},
            {"structure_id", s.structureId},
            {"plane", s.plane ? json(*s.plane) : json(nullptr)}};
  }
};

struct OperationWriter {
  json operator()(const SetValue& op) const { return {{"type", "set"}, {"value", op.value}}; }
  json operator()(const AddValue& op) const { return {{"type", "add"}, {"value", op.value}}; }
  json operator()(const ScaleValue& op) const { return {{"type", "scale"}, {"factor", op.factor}}; }
  json operator()(const KnockOut&) const { return {{"type", "knock_out"}}; }
  json operator()(const CopyFromGene& op) const {
    return {{"type", "copy_from"},
            {"source_gene", op.sourceGene},
            {"offset_bins", {op.dx, op.dy, op.dplane}}};
  }
};

Selection readSelection(const json& j) {
  const std::string type = text(field(j, "type"), "selection.type");
  if (type == "brush") {
    BrushStroke s;
    const std::string shape = text(field(j, "shape"), "shape");
    if (shape == "disk")
      s.shape = BrushStroke::Shape::Disk;
    else if (shape == "sphere")
      s.shape = BrushStroke::Shape::Sphere;
    else
      throw std::invalid_argument("unknown brush shape '" + shape + "'");
    const std::string edge = text(field(j, "edge"), "edge");
    if (edge == "hard")
      s.edge = BrushStroke::Edge::Hard;
    else if (edge == "soft")
      s.edge = BrushStroke::Edge::Soft;
    else
      throw std::invalid_argument("unknown brush edge '" + edge + "'");
    s.radiusUm = number(field(j, "radius_um"), "radius_um");
    s.hardness = number(field(j, "hardness"), "hardness");
    for (const auto& c : array(field(j, "centres"), "centres")) {
      array(c, "centre", 3);
      s.centres.push_back(
          {number(c[0], "centre x"), number(c[1], "centre y"), integer(c[2], "centre plane")});
    }
    return s;
  }
  if (type == "polygon") {
    PolygonSelection s;
    s.plane = integer(field(j, "plane"), "plane");
    for (const auto& v : array(field(j, "vertices_um"), "vertices_um")) {
      array(v, "vertex", 2);
      s.verticesUm.push_back({number(v[0], "vertex x"), number(v[1], "vertex y")});
    }
    return s;
  }
  if (type == "atlas_region") {
    AtlasRegionSelection s;
    const json& id = field(j, "structure_id");
    if (!id.is_number_unsigned() ||
        id.get<std::uint64_t>() > std::numeric_limits<StructureId>::max())
      throw std::invalid_argument("'structure_id' must be a structure id (unsigned 32-bit)");
    s.structureId = id.get<StructureId>();
    const json& plane = field(j, "plane");
    if (!plane.is_null()) s.plane = integer(plane, "plane");
    return s;
  }
  throw std::invalid_argument("unknown selection type '" + type + "'");
}

PaintOperation readOperation(const json& j) {
  const std::string type = text(field(j, "type"), "operation.type");
  if (type == "set") return SetValue{number(field(j, "value"), "value")};
  if (type == "add") return AddValue{number(field(j, "value"), "value")};
  if (type == "scale") return ScaleValue{number(field(j, "factor"), "factor")};
  if (type == "knock_out") return KnockOut{};
  if (type == "copy_from") {
    const json& offset = array(field(j, "offset_bins"), "offset_bins", 3);
    return CopyFromGene{text(field(j, "source_gene"), "source_gene"), integer(offset[0], "dx"),
                        integer(offset[1], "dy"), integer(offset[2], "dplane")};
  }
  throw std::invalid_argument("unknown operation type '" + type + "'");
}

}  // namespace

nlohmann::json editToJsonValue(const ConditionEdit& edit) {
  return {{"gene", edit.gene()},
          {"selection", std::visit(SelectionWriter{}, edit.selection())},
          {"operation", std::visit(OperationWriter{}, edit.operation())}};
}

ConditionEdit editFromJsonValue(const nlohmann::json& value) {
  return ConditionEdit(text(field(value, "gene"), "gene"), readSelection(field(value, "selection")),
                       readOperation(field(value, "operation")));
}

std::string editToJson(const ConditionEdit& edit, int indent) {
  return editToJsonValue(edit).dump(indent);
}

ConditionEdit editFromJson(const std::string& text) {
  json value;
  try {
    value = json::parse(text);
  } catch (const json::exception& e) {  // parse_error, and out_of_range for a number like 1e999
    throw std::invalid_argument(std::string("edit is not valid JSON: ") + e.what());
  }
  return editFromJsonValue(value);
}

const json& jsonField(const json& object, const char* name) {
  if (!object.is_object()) throw std::invalid_argument("expected a JSON object");
  const auto found = object.find(name);
  if (found == object.end())
    throw std::invalid_argument(std::string("missing field '") + name + "'");
  return *found;
}

}  // namespace teramind
