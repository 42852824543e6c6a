#include "io/NgffTransformations.h"

#include <algorithm>
#include <cmath>
#include <optional>

#include <fmt/core.h>

#include "common/AsciiCase.h"
#include "common/FileError.h"
#include "io/BoundedJson.h"

namespace teramind {
namespace {

using nlohmann::json;
using Axes = std::vector<std::string>;

constexpr int kMaxDepth = 16;             // sequences inside sequences
constexpr std::size_t kMaxAxes = 8;       // c, z, y, x and a few more
constexpr std::size_t kMaxSequence = 64;  // transformations in one sequence

struct Context {
  const std::filesystem::path& file;
  [[noreturn]] void fail(const std::string& where, const std::string& problem) const {
    throw FileError(file, where + ": " + problem);
  }
};

double finite(const json& v, const Context& c, const std::string& where) {
  if (!v.is_number()) c.fail(where, shownJson(v) + " is not a number");
  const double x = v.get<double>();
  if (!std::isfinite(x)) c.fail(where, "is not finite");
  return x;
}

std::vector<double> numbers(const json& v, std::size_t count, const Context& c,
                            const std::string& where) {
  if (!v.is_array() || v.size() != count)
    c.fail(where, fmt::format("{} is not a list of {} numbers", shownJson(v), count));
  std::vector<double> out;
  for (std::size_t i = 0; i < count; ++i)
    out.push_back(finite(v[i], c, fmt::format("{}[{}]", where, i)));
  return out;
}

// The axes of a coordinate system written as an object ({"name", "axes": [{"name"}...]}), or
// nothing when it is a bare name or absent.
std::optional<Axes> systemAxes(const json& system, const Context& c, const std::string& where) {
  if (!system.is_object() || !system.contains("axes")) return std::nullopt;
  const auto& axes = system["axes"];
  if (!axes.is_array() || axes.empty() || axes.size() > kMaxAxes)
    c.fail(where + ".axes",
           fmt::format("{} is not a list of 1…{} axes", shownJson(axes), kMaxAxes));
  Axes names;
  for (std::size_t i = 0; i < axes.size(); ++i) {
    const auto& a = axes[i];
    const json& name = a.is_object() && a.contains("name") ? a["name"] : a;
    if (!name.is_string())
      c.fail(fmt::format("{}.axes[{}]", where, i), shownJson(a) + " has no name");
    names.push_back(name.get<std::string>());
  }
  return names;
}

// The same map written over `output` axes (a reordering of, or a subset of, the map's own).
AxisAffine reordered(const AxisAffine& m, const Axes& output, const Context& c,
                     const std::string& where) {
  AxisAffine out{m.input, output, {}};
  for (const auto& axis : output) {
    const auto it = std::find(m.output.begin(), m.output.end(), axis);
    if (it == m.output.end())
      c.fail(where, fmt::format("output axis '{}' is not one the transformation gives", axis));
    out.matrix.push_back(m.matrix[std::size_t(it - m.output.begin())]);
  }
  return out;
}

// Diagonal (scale), identity (all ones) or translation over `axes`.
AxisAffine diagonal(const Axes& axes, const std::vector<double>& scale,
                    const std::vector<double>& shift) {
  AxisAffine m{axes, axes, {}};
  for (std::size_t i = 0; i < axes.size(); ++i) {
    std::vector<double> row(axes.size() + 1, 0.0);
    row[i] = scale.empty() ? 1.0 : scale[i];
    row.back() = shift.empty() ? 0.0 : shift[i];
    m.matrix.push_back(row);
  }
  return m;
}

// `next` applied after `first`: first's outputs feed next's inputs by name.
AxisAffine compose(const AxisAffine& first, const AxisAffine& next, const Context& c,
                   const std::string& where) {
  AxisAffine out{first.input, next.output, {}};
  const std::size_t n = first.input.size();
  for (const auto& row : next.matrix) {
    std::vector<double> r(n + 1, 0.0);
    r[n] = row.back();
    for (std::size_t k = 0; k < next.input.size(); ++k) {
      if (row[k] == 0.0) continue;
      const auto it = std::find(first.output.begin(), first.output.end(), next.input[k]);
      if (it == first.output.end())
        c.fail(where, fmt::format("axis '{}' is not given by the transformation before it",
                                  next.input[k]));
      const auto& source = first.matrix[std::size_t(it - first.output.begin())];
      for (std::size_t j = 0; j <= n; ++j) r[j] += row[k] * source[j];
    }
    out.matrix.push_back(r);
  }
  return out;
}

AxisAffine parse(const json& t, const Axes& defaultInput, const Context& c,
                 const std::string& where, int depth) {
  if (depth > kMaxDepth) c.fail(where, fmt::format("sequences nested deeper than {}", kMaxDepth));
  if (!t.is_object()) c.fail(where, shownJson(t) + " is not an object");
  if (!t.contains("type") || !t["type"].is_string()) c.fail(where, "has no \"type\"");
  const std::string type = t["type"].get<std::string>();
  const Axes input =
      systemAxes(t.value("input", json()), c, where + ".input").value_or(defaultInput);
  const auto declaredOutput = systemAxes(t.value("output", json()), c, where + ".output");
  if (input.empty() || input.size() > kMaxAxes)  // the element's own axes, before any matrix
    c.fail(where + ".input", fmt::format("{} axes (1…{} are read)", input.size(), kMaxAxes));
  const std::size_t n = input.size();
  AxisAffine m;
  if (type == "identity") {
    m = diagonal(input, {}, {});
  } else if (type == "scale") {
    m = diagonal(input, numbers(t.value("scale", json()), n, c, where + ".scale"), {});
  } else if (type == "translation") {
    m = diagonal(input, {}, numbers(t.value("translation", json()), n, c, where + ".translation"));
  } else if (type == "affine") {
    const auto& rows = t.value("affine", json());
    const std::size_t outputs = declaredOutput ? declaredOutput->size() : n;
    // SpatialData leaves out the last row [0 … 0 1]; accept it written too.
    if (!rows.is_array() || (rows.size() != outputs && rows.size() != outputs + 1))
      c.fail(where + ".affine",
             fmt::format("{} is not {} rows of {} numbers", shownJson(rows), outputs, n + 1));
    m.input = input;
    m.output = declaredOutput.value_or(input);
    for (std::size_t i = 0; i < outputs; ++i)
      m.matrix.push_back(numbers(rows[i], n + 1, c, fmt::format("{}.affine[{}]", where, i)));
  } else if (type == "rotation") {
    const auto& r = t.value("rotation", json());
    std::vector<double> flat;
    if (r.is_array() && !r.empty() && r[0].is_array()) {
      if (r.size() != n) c.fail(where + ".rotation", fmt::format("is not {} × {}", n, n));
      for (std::size_t i = 0; i < n; ++i)
        for (double v : numbers(r[i], n, c, fmt::format("{}.rotation[{}]", where, i)))
          flat.push_back(v);
    } else {
      flat = numbers(r, n * n, c, where + ".rotation");
    }
    m = diagonal(input, {}, {});
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < n; ++j) m.matrix[i][j] = flat[i * n + j];
  } else if (type == "mapAxis") {
    const auto& map = t.value("mapAxis", json());
    if (!map.is_object() || map.empty())
      c.fail(where + ".mapAxis", shownJson(map) + " is not an object of output: input axes");
    m.input = input;
    for (const auto& [to, from] : map.items()) {
      if (!from.is_string())
        c.fail(where + ".mapAxis." + to, shownJson(from) + " is not an axis name");
      const auto it = std::find(input.begin(), input.end(), from.get<std::string>());
      if (it == input.end())
        c.fail(where + ".mapAxis." + to, "'" + from.get<std::string>() + "' is not an input axis");
      std::vector<double> row(n + 1, 0.0);
      row[std::size_t(it - input.begin())] = 1.0;
      m.output.push_back(to);
      m.matrix.push_back(row);
    }
  } else if (type == "sequence") {
    const auto& list = t.value("transformations", json());
    if (!list.is_array() || list.empty() || list.size() > kMaxSequence)
      c.fail(where + ".transformations", fmt::format("{} is not a list of 1…{} transformations",
                                                     shownJson(list), kMaxSequence));
    m = diagonal(input, {}, {});
    for (std::size_t i = 0; i < list.size(); ++i) {
      const auto name = fmt::format("{}.transformations[{}]", where, i);
      m = compose(m, parse(list[i], m.output, c, name, depth + 1), c, name);
    }
  } else {
    c.fail(where + ".type",
           fmt::format("\"{}\" is not a transformation this reader knows (identity, scale, "
                       "translation, affine, rotation, mapAxis, sequence)",
                       type));
  }
  if (m.input.size() > kMaxAxes || m.output.size() > kMaxAxes)
    c.fail(where, fmt::format("more than {} axes", kMaxAxes));
  return declaredOutput && *declaredOutput != m.output
             ? reordered(m, *declaredOutput, c, where + ".output")
             : m;
}

}  // namespace

double AxisAffine::coefficient(const std::string& to, const std::string& from) const {
  const auto row = std::find(output.begin(), output.end(), to);
  if (row == output.end()) return 0;
  const auto& r = matrix[std::size_t(row - output.begin())];
  if (from.empty()) return r.back();
  const auto col = std::find(input.begin(), input.end(), from);
  return col == input.end() ? 0 : r[std::size_t(col - input.begin())];
}

bool AxisAffine::hasOutput(const std::string& axis) const {
  return std::find(output.begin(), output.end(), axis) != output.end();
}

std::vector<CoordinateSystemMapping> parseCoordinateTransformations(
    const json& list, const std::vector<std::string>& elementAxes,
    const std::filesystem::path& file, const std::string& where) {
  const Context c{file};
  if (!list.is_array()) c.fail(where, shownJson(list) + " is not a list");
  std::vector<CoordinateSystemMapping> out;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const auto name = fmt::format("{}[{}]", where, i);
    const auto& t = list[i];
    CoordinateSystemMapping mapping;
    mapping.map = parse(t, elementAxes, c, name, 0);
    const json& output = t.value("output", json());
    const json& system = output.is_object() ? output.value("name", json()) : output;
    if (!system.is_string() || system.get<std::string>().empty())
      c.fail(name + ".output", "names no coordinate system");
    mapping.system = system.get<std::string>();
    if (output.is_object() && output.contains("axes") && output["axes"].is_array())
      for (const auto& a : output["axes"])
        if (a.is_object() && a.value("name", json()) == "x" && a.contains("unit") &&
            a["unit"].is_string())
          mapping.unit = a["unit"].get<std::string>();
    for (const auto& earlier : out)
      if (earlier.system == mapping.system)
        c.fail(name + ".output", "maps to '" + mapping.system + "' a second time");
    out.push_back(std::move(mapping));
  }
  return out;
}

PlaneMap planeMapOf(const AxisAffine& m, const std::filesystem::path& file,
                    const std::string& what) {
  if (!m.hasOutput("x") || !m.hasOutput("y"))
    throw FileError(file, what + ": the transformation gives no x or no y axis");
  PlaneMap p;
  p.xx = m.coefficient("x", "x"), p.xy = m.coefficient("x", "y"), p.xz = m.coefficient("x", "z");
  p.tx = m.coefficient("x", "");
  p.yx = m.coefficient("y", "x"), p.yy = m.coefficient("y", "y"), p.yz = m.coefficient("y", "z");
  p.ty = m.coefficient("y", "");
  const double det = p.determinant();
  if (!(std::abs(det) > 1e-300) || !std::isfinite(det))
    throw FileError(file, fmt::format("{}: the transformation is not invertible in x, y "
                                      "(determinant {:g}): it would collapse the section",
                                      what, det));
  return p;
}

double micrometresPerUnit(const std::string& unit) {
  const std::string u = asciiLower(unit);
  if (u == "micrometer" || u == "micrometre" || u == "micron" || u == "um" || u == "µm") return 1;
  if (u == "nanometer" || u == "nanometre" || u == "nm") return 1e-3;
  if (u == "millimeter" || u == "millimetre" || u == "mm") return 1e3;
  return 0;
}

}  // namespace teramind
