#include "io/TiffPixelSize.h"

#include <charconv>
#include <cmath>
#include <memory>

#include <fmt/format.h>
#include <tiffio.h>

#include "common/AsciiCase.h"
#include "common/FileError.h"
#include "io/LibtiffHandle.h"

namespace teramind {

namespace {

// An attribute or ImageJ value longer than this is neither a number nor a unit.
constexpr std::size_t kMaxValueChars = 64;

// What was ignored or assumed, joined with "; " into the caller's note.
class Notes {
 public:
  explicit Notes(std::string* out) : out_(out) {
    if (out_) out_->clear();
  }
  void add(const std::string& text) {
    if (!out_) return;
    if (!out_->empty()) *out_ += "; ";
    *out_ += text;
  }

 private:
  std::string* out_;
};

// A value from the file, shown in a note: quoted, at most 40 bytes (cut between UTF-8
// characters), control characters as '?'.
std::string shown(std::string_view value) {
  constexpr std::size_t kShownBytes = 40;
  std::size_t cut = value.size();
  if (cut > kShownBytes) {
    cut = kShownBytes;
    while (cut > 0 && (static_cast<unsigned char>(value[cut]) & 0xC0) == 0x80) --cut;
  }
  std::string out = "\"";
  for (char c : value.substr(0, cut)) out += static_cast<unsigned char>(c) < 0x20 ? '?' : c;
  return out + (cut < value.size() ? "…\"" : "\"");
}

std::string number(double value) {
  return fmt::format("{:.6g}", value);
}

bool isSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && isSpace(text.front())) text.remove_prefix(1);
  while (!text.empty() && isSpace(text.back())) text.remove_suffix(1);
  return text;
}

// A decimal number as XML (xsd:float) and ImageJ write it, whatever the locale.
std::optional<double> parseNumber(std::string_view text) {
  text = trimmed(text);
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  if (text.empty() || text.size() > kMaxValueChars) return std::nullopt;
  double value = 0;
  const char* end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, value);
  if (error != std::errc() || stop != end) return std::nullopt;
  return value;
}

// Whether a pixel size in µm is physical; otherwise a note says why it is ignored.
bool isPhysical(double um, const std::string& what, Notes& notes) {
  if (!std::isfinite(um) || um <= 0) {
    notes.add(what + " is not a positive size: ignored");
    return false;
  }
  if (um < kMinPixelSizeUm || um > kMaxPixelSizeUm) {
    notes.add(fmt::format("{} gives {} µm per pixel, outside {:g}–{:g} µm: ignored", what,
                          number(um), kMinPixelSizeUm, kMaxPixelSizeUm));
    return false;
  }
  return true;
}

// --- units ---

enum class UnitKind { Length, NotPhysical, Unknown };
struct UnitScale {
  UnitKind kind = UnitKind::Unknown;
  double um = 0;  // µm per unit, for a length
};

struct NamedLength {
  std::string_view name;
  double um;
};

// OME's UnitsLength (ome.xsd), case as written there (Mm and mm differ), in µm.
constexpr NamedLength kOmeLengths[] = {
    {"Ym", 1e30},
    {"Zm", 1e27},
    {"Em", 1e24},
    {"Pm", 1e21},
    {"Tm", 1e18},
    {"Gm", 1e15},
    {"Mm", 1e12},
    {"km", 1e9},
    {"hm", 1e8},
    {"dam", 1e7},
    {"m", 1e6},
    {"dm", 1e5},
    {"cm", 1e4},
    {"mm", 1e3},
    {"nm", 1e-3},
    {"pm", 1e-6},
    {"fm", 1e-9},
    {"am", 1e-12},
    {"zm", 1e-15},
    {"ym", 1e-18},
    {"thou", 25.4},        // a thousandth of an inch
    {"li", 25400.0 / 12},  // a line: a twelfth of an inch
    {"in", 25400},
    {"ft", 304800},
    {"yd", 914400},
    {"mi", 1609344000},
    {"ua", 1.495978707e17},  // astronomical unit
    {"ly", 9.4607304725808e21},
    {"pc", 3.0856775814913673e22},
    {"pt", 25400.0 / 72},  // a typographic point
    {"µm", 1},
};

// Spellings of µm and Å that OME-XML, ImageJ and tifffile write (UTF-8 micro or Greek mu,
// ImageJ's escaped \u00B5, Latin-1 µ) and the words ImageJ users type.
constexpr std::string_view kMicronSpellings[] = {"\xC2\xB5m", "\xCE\xBCm", "\xB5m",    "\\u00B5m",
                                                 "\\u00b5m",  "um",        "\\u03BCm", "\\u03bcm"};
constexpr std::string_view kMicronWords[] = {"micron",     "microns",     "micrometer",
                                             "micrometre", "micrometers", "micrometres"};
constexpr std::string_view kAngstromSpellings[] = {"\xC3\x85", "\xE2\x84\xAB", "\\u00C5", "\\u00c5",
                                                   "A\xCC\x8A"};

UnitScale unitScale(std::string_view unit) {
  unit = trimmed(unit);
  for (std::string_view spelling : kMicronSpellings)
    if (unit == spelling) return {UnitKind::Length, 1};
  for (std::string_view spelling : kAngstromSpellings)
    if (unit == spelling) return {UnitKind::Length, 1e-4};
  for (const NamedLength& length : kOmeLengths)
    if (unit == length.name) return {UnitKind::Length, length.um};
  if (unit.size() > kMaxValueChars) return {};
  const std::string lower = asciiLower(unit);
  for (std::string_view word : kMicronWords)
    if (lower == word) return {UnitKind::Length, 1};
  if (lower == "angstrom" || lower == "angstroms") return {UnitKind::Length, 1e-4};
  if (lower == "nanometer" || lower == "nanometre" || lower == "nanometers" ||
      lower == "nanometres")
    return {UnitKind::Length, 1e-3};
  if (lower == "millimeter" || lower == "millimetre" || lower == "millimeters" ||
      lower == "millimetres")
    return {UnitKind::Length, 1e3};
  if (lower == "inch" || lower == "inches") return {UnitKind::Length, 25400};
  if (lower == "pixel" || lower == "pixels" || lower == "reference frame" ||
      lower == "referenceframe")
    return {UnitKind::NotPhysical, 0};
  return {};
}

// --- OME-XML: the first <Pixels> start tag's attributes, scanned (no XML library) ---

bool isXmlNameChar(char c) {
  const auto byte = static_cast<unsigned char>(c);
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-' || c == '.' || c == ':' || byte >= 0x80;
}

// Where the attributes of the first <Pixels> or <prefix:Pixels> start tag begin, or npos.
// Linear in the description (each candidate looks back at most a short prefix).
std::size_t findPixelsStartTag(std::string_view xml) {
  constexpr std::string_view kName = "Pixels";
  constexpr std::size_t kMaxPrefix = 64;
  for (std::size_t at = xml.find(kName, 1); at != std::string_view::npos;
       at = xml.find(kName, at + 1)) {
    const std::size_t after = at + kName.size();
    if (after < xml.size() && !isSpace(xml[after]) && xml[after] != '>' && xml[after] != '/')
      continue;
    if (xml[at - 1] == '<') return after;
    if (xml[at - 1] != ':') continue;
    std::size_t start = at - 1;
    while (start > 0 && at - start <= kMaxPrefix && isXmlNameChar(xml[start - 1]) &&
           xml[start - 1] != ':')
      --start;
    if (start + 1 < at && start > 0 && xml[start - 1] == '<') return after;
  }
  return std::string_view::npos;
}

void appendUtf8(std::string& out, std::uint32_t code) {
  if (code < 0x80) {
    out += char(code);
  } else if (code < 0x800) {
    out += char(0xC0 | (code >> 6));
    out += char(0x80 | (code & 0x3F));
  } else if (code < 0x10000) {
    out += char(0xE0 | (code >> 12));
    out += char(0x80 | ((code >> 6) & 0x3F));
    out += char(0x80 | (code & 0x3F));
  } else {
    out += char(0xF0 | (code >> 18));
    out += char(0x80 | ((code >> 12) & 0x3F));
    out += char(0x80 | ((code >> 6) & 0x3F));
    out += char(0x80 | (code & 0x3F));
  }
}

// An attribute value with its character and entity references replaced (µ may come as
// &#181; or &#xB5;); nullopt when a reference is broken or the value is too long to be ours.
std::optional<std::string> decodeXmlValue(std::string_view value) {
  if (value.size() > kMaxValueChars) return std::nullopt;
  std::string out;
  for (std::size_t i = 0; i < value.size();) {
    if (value[i] != '&') {
      out += value[i++];
      continue;
    }
    const std::size_t semicolon = value.find(';', i);
    if (semicolon == std::string_view::npos) return std::nullopt;
    const std::string_view reference = value.substr(i + 1, semicolon - i - 1);
    i = semicolon + 1;
    if (reference == "amp")
      out += '&';
    else if (reference == "lt")
      out += '<';
    else if (reference == "gt")
      out += '>';
    else if (reference == "quot")
      out += '"';
    else if (reference == "apos")
      out += '\'';
    else if (reference.size() >= 2 && reference[0] == '#') {
      const bool hex = reference[1] == 'x' || reference[1] == 'X';
      const std::string_view digits = reference.substr(hex ? 2 : 1);
      std::uint32_t code = 0;
      const auto [stop, error] =
          std::from_chars(digits.data(), digits.data() + digits.size(), code, hex ? 16 : 10);
      if (digits.empty() || error != std::errc() || stop != digits.data() + digits.size() ||
          code == 0 || code > 0x10FFFF)
        return std::nullopt;
      appendUtf8(out, code);
    } else {
      return std::nullopt;
    }
  }
  return out;
}

struct OmePixelsAttributes {
  bool malformed = false;
  std::optional<std::string_view> sizeX, sizeY, unitX, unitY;
};

// The attributes of a start tag from `at` to its '>' (quoted values may hold '>').
OmePixelsAttributes scanPixelsAttributes(std::string_view xml, std::size_t at) {
  OmePixelsAttributes attributes;
  const auto skipSpaces = [&] {
    while (at < xml.size() && isSpace(xml[at])) ++at;
  };
  while (true) {
    skipSpaces();
    if (at >= xml.size()) break;
    if (xml[at] == '>' || xml[at] == '/') return attributes;
    const std::size_t nameStart = at;
    while (at < xml.size() && isXmlNameChar(xml[at])) ++at;
    const std::string_view name = xml.substr(nameStart, at - nameStart);
    skipSpaces();
    if (name.empty() || at >= xml.size() || xml[at] != '=') break;
    ++at;
    skipSpaces();
    if (at >= xml.size() || (xml[at] != '"' && xml[at] != '\'')) break;
    const char quote = xml[at++];
    const std::size_t close = xml.find(quote, at);
    if (close == std::string_view::npos) break;
    const std::string_view value = xml.substr(at, close - at);
    at = close + 1;
    if (name == "PhysicalSizeX")
      attributes.sizeX = value;
    else if (name == "PhysicalSizeY")
      attributes.sizeY = value;
    else if (name == "PhysicalSizeXUnit")
      attributes.unitX = value;
    else if (name == "PhysicalSizeYUnit")
      attributes.unitY = value;
  }
  attributes.malformed = true;
  return attributes;
}

// One axis of OME's PhysicalSize in µm (its unit µm when absent), or nullopt with a note.
std::optional<double> omeAxisUm(std::string_view size, std::optional<std::string_view> unit,
                                const std::string& name, Notes& notes) {
  const std::optional<std::string> decoded = decodeXmlValue(size);
  const std::optional<double> value = decoded ? parseNumber(*decoded) : std::nullopt;
  if (!value) {
    notes.add("OME-XML " + name + "=" + shown(size) + " is not a number: ignored");
    return std::nullopt;
  }
  double umPerUnit = 1;
  if (unit) {
    const std::optional<std::string> unitText = decodeXmlValue(*unit);
    const UnitScale scale = unitText ? unitScale(*unitText) : UnitScale{};
    if (scale.kind == UnitKind::NotPhysical) {
      notes.add("OME-XML " + name + "Unit=" + shown(*unit) + " is not a physical length");
      return std::nullopt;
    }
    if (scale.kind == UnitKind::Unknown) {
      notes.add("OME-XML " + name + "Unit=" + shown(*unit) + " is not a length unit: ignored");
      return std::nullopt;
    }
    umPerUnit = scale.um;
  }
  const double um = *value * umPerUnit;
  if (!isPhysical(um, "OME-XML " + name + "=" + shown(size), notes)) return std::nullopt;
  return um;
}

bool looksLikeOmeXml(std::string_view description) {
  return description.find("<OME") != std::string_view::npos ||
         description.find(":OME") != std::string_view::npos ||
         description.find("openmicroscopy.org/Schemas/OME") != std::string_view::npos;
}

std::optional<TiffPixelSize> fromOmeXml(std::string_view xml, Notes& notes) {
  const std::size_t tag = findPixelsStartTag(xml);
  if (tag == std::string_view::npos) {
    if (xml.find("BinaryOnly") != std::string_view::npos)
      notes.add("the OME-XML is in a companion file (BinaryOnly), not read");
    else
      notes.add("the OME-XML has no <Pixels> element");
    return std::nullopt;
  }
  const OmePixelsAttributes attributes = scanPixelsAttributes(xml, tag);
  if (attributes.malformed) {
    notes.add("the OME-XML <Pixels> start tag is cut or malformed: ignored");
    return std::nullopt;
  }
  if (!attributes.sizeX && !attributes.sizeY) {
    notes.add("the OME-XML <Pixels> states no PhysicalSizeX/Y");
    return std::nullopt;
  }
  std::optional<double> umX, umY;
  if (attributes.sizeX) {
    umX = omeAxisUm(*attributes.sizeX, attributes.unitX, "PhysicalSizeX", notes);
    if (!umX) return std::nullopt;
  }
  if (attributes.sizeY) {
    umY = omeAxisUm(*attributes.sizeY, attributes.unitY, "PhysicalSizeY", notes);
    if (!umY) return std::nullopt;
  }
  if (!umY) notes.add("the OME-XML states no PhysicalSizeY: taken equal to PhysicalSizeX");
  if (!umX) notes.add("the OME-XML states no PhysicalSizeX: taken equal to PhysicalSizeY");
  TiffPixelSize size;
  size.umX = umX ? *umX : *umY;
  size.umY = umY ? *umY : *umX;
  size.from = "OME-XML PhysicalSizeX/Y";
  return size;
}

// Whether a size from an inch or cm resolution is a microscope's, not a program's default dpi.
bool atMicroscopyScale(double umX, double umY, const std::string& what, Notes& notes) {
  const auto microscopy = [](double um) {
    return um >= kMinMicroscopyPixelUm && um <= kMaxMicroscopyPixelUm;
  };
  if (microscopy(umX) && microscopy(umY)) return true;
  notes.add(fmt::format(
      "{} gives {} × {} µm pixels, not a microscope's ({:g}–{:g} µm; 72, 96 or 300 dpi is a "
      "default many programs write): ignored",
      what, number(umX), number(umY), kMinMicroscopyPixelUm, kMaxMicroscopyPixelUm));
  return false;
}

// --- ImageJ: "ImageJ=…" lines with unit= (and yunit=), XResolution pixels per unit ---

std::optional<TiffPixelSize> fromImageJ(std::string_view description,
                                        const TiffResolutionTags& tags, Notes& notes) {
  std::optional<std::string_view> unit, yUnit;
  for (std::size_t start = 0; start < description.size();) {
    std::size_t end = description.find('\n', start);
    if (end == std::string_view::npos) end = description.size();
    const std::string_view line = trimmed(description.substr(start, end - start));
    start = end + 1;
    if (line.rfind("unit=", 0) == 0)
      unit = line.substr(5);
    else if (line.rfind("yunit=", 0) == 0)
      yUnit = line.substr(6);
  }
  if (!unit) return std::nullopt;  // uncalibrated
  const UnitScale scaleX = unitScale(*unit);
  const UnitScale scaleY = yUnit ? unitScale(*yUnit) : scaleX;
  if (scaleX.kind == UnitKind::NotPhysical || scaleY.kind == UnitKind::NotPhysical)
    return std::nullopt;  // ImageJ's "pixel": uncalibrated
  if (scaleX.kind == UnitKind::Unknown || scaleY.kind == UnitKind::Unknown) {
    notes.add("ImageJ unit=" + shown(scaleX.kind == UnitKind::Unknown ? *unit : *yUnit) +
              " is not a length unit: ignored");
    return std::nullopt;
  }
  if (!tags.xResolution) {
    notes.add("ImageJ unit=" + shown(*unit) + " without XResolution: ignored");
    return std::nullopt;
  }
  const double xResolution = *tags.xResolution;
  const double yResolution = tags.yResolution ? *tags.yResolution : xResolution;
  const double umX = scaleX.um / xResolution, umY = scaleY.um / yResolution;
  const std::string what = "ImageJ unit=" + shown(*unit) + " with XResolution " +
                           number(xResolution) + ", YResolution " + number(yResolution);
  if (!isPhysical(umX, what, notes) || !isPhysical(umY, what, notes)) return std::nullopt;
  // ImageJ calibrates in inches or cm from a file's dpi: at microscopy scale only.
  const bool fromDpi = scaleX.um >= 1e4 || scaleY.um >= 1e4;
  if (fromDpi && !atMicroscopyScale(umX, umY, what, notes)) return std::nullopt;
  TiffPixelSize size;
  size.umX = umX;
  size.umY = umY;
  size.from = "ImageJ unit=" + std::string(trimmed(*unit)) + " with XResolution/YResolution";
  return size;
}

// --- ResolutionUnit inch or cm with XResolution/YResolution ---

std::optional<TiffPixelSize> fromResolutionTags(const TiffResolutionTags& tags, Notes& notes) {
  if (!tags.resolutionUnit || *tags.resolutionUnit == RESUNIT_NONE) return std::nullopt;
  std::string unitName;
  double umPerUnit = 0;
  if (*tags.resolutionUnit == RESUNIT_INCH) {
    unitName = "inch";
    umPerUnit = 25400;
  } else if (*tags.resolutionUnit == RESUNIT_CENTIMETER) {
    unitName = "cm";
    umPerUnit = 1e4;
  } else {
    notes.add("ResolutionUnit " + std::to_string(*tags.resolutionUnit) +
              " is not none, inch or cm: ignored");
    return std::nullopt;
  }
  if (!tags.xResolution) {
    notes.add("ResolutionUnit " + unitName + " without XResolution: ignored");
    return std::nullopt;
  }
  const double xResolution = *tags.xResolution;
  const double yResolution = tags.yResolution ? *tags.yResolution : xResolution;
  const double umX = umPerUnit / xResolution, umY = umPerUnit / yResolution;
  const std::string what = "ResolutionUnit " + unitName + " with XResolution " +
                           number(xResolution) + ", YResolution " + number(yResolution);
  if (!isPhysical(umX, what, notes) || !isPhysical(umY, what, notes)) return std::nullopt;
  if (!atMicroscopyScale(umX, umY, what, notes)) return std::nullopt;
  TiffPixelSize size;
  size.umX = umX;
  size.umY = umY;
  size.from = "ResolutionUnit " + unitName + " with XResolution/YResolution";
  return size;
}

}  // namespace

std::optional<TiffPixelSize> pixelSizeFromTiffTags(const TiffResolutionTags& tags,
                                                   std::string* note) {
  Notes notes(note);
  const std::string_view description = tags.description;
  if (looksLikeOmeXml(description) || findPixelsStartTag(description) != std::string_view::npos) {
    if (auto size = fromOmeXml(description, notes)) return size;
  } else if (description.rfind("ImageJ=", 0) == 0) {
    if (auto size = fromImageJ(description, tags, notes)) return size;
  }
  return fromResolutionTags(tags, notes);
}

std::optional<TiffPixelSize> readTiffPixelSize(const std::filesystem::path& tiff,
                                               std::string* note) {
  LibtiffMessages messages;
  const std::unique_ptr<TIFF, void (*)(TIFF*)> handle(
      openTiff(tiff, "rm", messages, "is not a readable TIFF image"), TIFFClose);
  TiffResolutionTags tags;
  char* description = nullptr;
  if (TIFFGetField(handle.get(), TIFFTAG_IMAGEDESCRIPTION, &description) == 1 && description)
    tags.description = description;
  float resolution = 0;
  if (TIFFGetField(handle.get(), TIFFTAG_XRESOLUTION, &resolution) == 1)
    tags.xResolution = resolution;
  if (TIFFGetField(handle.get(), TIFFTAG_YRESOLUTION, &resolution) == 1)
    tags.yResolution = resolution;
  std::uint16_t unit = 0;
  if (TIFFGetField(handle.get(), TIFFTAG_RESOLUTIONUNIT, &unit) == 1) tags.resolutionUnit = unit;
  return pixelSizeFromTiffTags(tags, note);
}

}  // namespace teramind
