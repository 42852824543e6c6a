#include "atlas/OntologyJsonReader.h"

#include <cstdint>
#include <fstream>
#include <limits>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "atlas/AtlasOntology.h"
#include "common/FileError.h"

namespace teramind {
namespace {

using Json = nlohmann::json;

// Brackets a valid file needs: the wrapper, then an object and a `children` array per level,
// and a little room for unknown fields holding objects or arrays.
constexpr std::size_t kMaxJsonNesting = 2 * (AtlasOntology::kMaxDepth + 1) + 8;

std::string readBoundedFile(const std::filesystem::path& file) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(file, error))
    throw FileError(file, "cannot open ontology file");
  const std::uintmax_t size = std::filesystem::file_size(file, error);
  if (error) throw FileError(file, "cannot open ontology file: " + error.message());
  if (size > AtlasOntology::kMaxFileBytes)
    throw FileError(file, "ontology file is " + std::to_string(size) + " bytes; at most " +
                              std::to_string(AtlasOntology::kMaxFileBytes) + " are read");
  std::ifstream in(file, std::ios::binary);
  if (!in) throw FileError(file, "cannot open ontology file");
  std::string text(static_cast<std::size_t>(size), '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  return text;
}

// The fields of a structure object that are read; any other key's value is skipped.
enum class Field { None, Id, Acronym, Name, Color, GraphOrder, Parent, Children, Msg, Other };

Field fieldNamed(const std::string& key, bool topLevel) {
  if (key == "id") return Field::Id;
  if (key == "acronym") return Field::Acronym;
  if (key == "name") return Field::Name;
  if (key == "color_hex_triplet") return Field::Color;
  if (key == "graph_order") return Field::GraphOrder;
  if (key == "parent_structure_id") return Field::Parent;
  if (key == "children") return Field::Children;
  if (key == "msg" && topLevel) return Field::Msg;
  return Field::Other;
}

const char* keyOf(Field field) {
  switch (field) {
    case Field::Id:
      return "id";
    case Field::Acronym:
      return "acronym";
    case Field::Name:
      return "name";
    case Field::Color:
      return "color_hex_triplet";
    case Field::GraphOrder:
      return "graph_order";
    case Field::Parent:
      return "parent_structure_id";
    case Field::Children:
      return "children";
    case Field::Msg:
      return "msg";
    default:
      return "";
  }
}

// One open JSON container, innermost last.
struct Frame {
  enum class Kind { Structure, Children, RootList, Skipped };
  explicit Frame(Kind k) : kind(k) {}

  Kind kind;
  std::size_t slot = 0;  // Structure: its place in the output; Children: the owner's
  int depth = 0;         // Structure: levels below the root; Children: the owner's
  bool topLevel = false;
  bool isWrapper = false;  // the top-level object turned out to be {"msg": ...}
  Field pending = Field::None;
  unsigned seen = 0;                    // bit per Field already given
  std::vector<std::size_t> childSlots;  // Structure: the slots of its nested children
  std::size_t rootsListed = 0;          // RootList: structures in it so far
};

// nlohmann's SAX interface (see nlohmann::json_sax): builds Structures with an explicit stack.
class OntologySaxHandler {
 public:
  explicit OntologySaxHandler(const std::filesystem::path& file) : file_(file) {}

  std::vector<Structure> take() {
    if (structures_.empty()) throw FileError(file_, "ontology JSON holds no root structure");
    return std::move(structures_);
  }

  bool null() {
    return scalar("null", [&](Structure& s) { nullValue(s); });
  }
  bool boolean(bool value) {
    return scalar(value ? "true" : "false", [&](Structure&) { ignoredOrWrongType(); });
  }
  bool number_integer(std::int64_t value) {
    return scalar(std::to_string(value), [&](Structure& s) { integer(s, value, false); });
  }
  bool number_unsigned(std::uint64_t value) {
    return scalar(std::to_string(value), [&](Structure& s) { integer(s, value, true); });
  }
  bool number_float(double, const std::string& text) {
    return scalar(text, [&](Structure&) { ignoredOrWrongType(); });
  }
  bool string(std::string& value) {
    return scalar('"' + value.substr(0, 40) + (value.size() > 40 ? "…" : "") + '"',
                  [&](Structure& s) { text(s, value); });
  }
  bool binary(Json::binary_t&) {
    return scalar("binary", [&](Structure&) { ignoredOrWrongType(); });
  }

  bool start_object(std::size_t) {
    enter();
    shown_ = "an object";
    if (stack_.empty()) return openStructure(0, true), true;
    Frame& top = stack_.back();
    switch (top.kind) {
      case Frame::Kind::Skipped:
        return skip(), true;
      case Frame::Kind::RootList:
        if (top.rootsListed++ != 0) fail("expected a single root structure");
        return openStructure(0, false), true;
      case Frame::Kind::Children: {
        const std::size_t owner = top.slot;
        const int depth = top.depth + 1;
        if (depth > AtlasOntology::kMaxDepth)
          fail("structures are nested more than " + std::to_string(AtlasOntology::kMaxDepth) +
               " levels below the root (inside " + describe(owner) + ")");
        const std::size_t slot = openStructure(depth, false);
        frameOwning(owner).childSlots.push_back(slot);
        return true;
      }
      case Frame::Kind::Structure:
        if (top.pending == Field::Msg) {
          top.pending = Field::None;
          return openStructure(0, false), true;
        }
        if (top.pending == Field::Other) {
          top.pending = Field::None;
          return skip(), true;
        }
        wrongType();
    }
    return true;
  }

  bool key(std::string& name) {
    Frame& top = stack_.back();
    if (top.kind != Frame::Kind::Structure) return true;
    const Field field = fieldNamed(name, top.topLevel);
    if (field != Field::Other) {
      const unsigned bit = 1u << static_cast<unsigned>(field);
      if (top.seen & bit) fail(describe(top.slot) + " repeats the field \"" + name + "\"");
      top.seen |= bit;
    }
    if (field == Field::Msg) top.isWrapper = true;
    if ((top.seen & (1u << static_cast<unsigned>(Field::Msg))) &&
        (top.seen & (1u << static_cast<unsigned>(Field::Children))))
      fail("the top-level object has both \"msg\" and \"children\"");
    top.pending = field;
    return true;
  }

  bool end_object() {
    leave();
    Frame frame = std::move(stack_.back());
    stack_.pop_back();
    if (frame.kind == Frame::Kind::Structure) closeStructure(frame);
    return true;
  }

  bool start_array(std::size_t) {
    enter();
    shown_ = "a list";
    if (stack_.empty()) {
      stack_.emplace_back(Frame::Kind::RootList);
      return true;
    }
    Frame& top = stack_.back();
    if (top.kind == Frame::Kind::Skipped) return skip(), true;
    if (top.kind == Frame::Kind::RootList) fail("the root list holds a list, not a structure");
    if (top.kind == Frame::Kind::Children)
      fail("the children of " + describe(top.slot) + " hold a list, not a structure");
    if (top.kind == Frame::Kind::Structure &&
        (top.pending == Field::Children || top.pending == Field::Msg)) {
      Frame list(top.pending == Field::Children ? Frame::Kind::Children : Frame::Kind::RootList);
      list.slot = top.slot;
      list.depth = top.depth;
      top.pending = Field::None;
      stack_.push_back(std::move(list));
      return true;
    }
    if (top.kind == Frame::Kind::Structure && top.pending == Field::Other) {
      top.pending = Field::None;
      return skip(), true;
    }
    wrongType();
    return true;
  }

  bool end_array() {
    leave();
    const Frame frame = std::move(stack_.back());
    stack_.pop_back();
    if (frame.kind == Frame::Kind::RootList && frame.rootsListed != 1)
      fail("expected a single root structure");
    return true;
  }

  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& e) {
    throw FileError(file_, std::string("invalid ontology JSON: ") + e.what());
  }

 private:
  [[noreturn]] void fail(const std::string& problem) const { throw FileError(file_, problem); }

  // "structure 382 (CA1)", or before its id is known "structure #12 (depth 3)".
  std::string describe(std::size_t slot) const {
    const Structure& s = structures_[slot];
    if (haveId_[slot])
      return "structure " + std::to_string(s.id) +
             (s.acronym.empty() ? "" : " (" + s.acronym + ")");
    return "structure #" + std::to_string(slot + 1) + " (depth " + std::to_string(s.depth) + ")";
  }

  void enter() {
    if (++nesting_ > kMaxJsonNesting)
      fail("JSON nested more than " + std::to_string(kMaxJsonNesting) + " levels deep" +
           (currentStructure() ? " inside " + describe(*currentStructure()) : std::string()));
  }
  void leave() { --nesting_; }
  void skip() { stack_.emplace_back(Frame::Kind::Skipped); }

  std::optional<std::size_t> currentStructure() const {
    for (auto it = stack_.rbegin(); it != stack_.rend(); ++it)
      if (it->kind == Frame::Kind::Structure || it->kind == Frame::Kind::Children) return it->slot;
    return std::nullopt;
  }

  Frame& frameOwning(std::size_t slot) {
    for (auto it = stack_.rbegin(); it != stack_.rend(); ++it)
      if (it->kind == Frame::Kind::Structure && it->slot == slot) return *it;
    fail("internal: no open structure #" + std::to_string(slot));
  }

  // Reserves the structure's slot now, so the output stays in pre-order.
  std::size_t openStructure(int depth, bool topLevel) {
    // One slot more than the limit, for a {"msg": ...} wrapper; AtlasOntology checks the rest.
    if (structures_.size() > AtlasOntology::kMaxStructures)
      fail("ontology holds more than " + std::to_string(AtlasOntology::kMaxStructures) +
           " structures");
    Frame frame(Frame::Kind::Structure);
    frame.slot = structures_.size();
    frame.depth = depth;
    frame.topLevel = topLevel;
    structures_.emplace_back();
    structures_.back().depth = depth;
    haveId_.push_back(false);
    stack_.push_back(std::move(frame));
    return structures_.size() - 1;
  }

  void closeStructure(const Frame& frame) {
    if (frame.isWrapper) {
      // {"msg": [root]}: the wrapper's own slot held no structure.
      structures_.erase(structures_.begin());
      haveId_.erase(haveId_.begin());
      if (structures_.empty()) fail("\"msg\" holds no root structure");
      return;
    }
    for (Field required : {Field::Id, Field::Acronym, Field::Name, Field::Color})
      if (!(frame.seen & (1u << static_cast<unsigned>(required))))
        fail(describe(frame.slot) + " has no \"" + keyOf(required) + "\"");
    const Structure& s = structures_[frame.slot];
    if (frame.depth == 0 && s.parentId)
      fail(describe(frame.slot) + " is the root but names parent " + std::to_string(*s.parentId));
    for (std::size_t child : frame.childSlots)
      if (structures_[child].parentId != s.id)
        fail(describe(child) + " is nested under a different parent than its parent_structure_id");
  }

  // A scalar value: of a structure's field, or inside a list or skipped value.
  template <typename Apply>
  bool scalar(const std::string& shown, Apply apply) {
    if (stack_.empty()) fail("ontology JSON holds " + shown + ", not a structure");
    Frame& top = stack_.back();
    switch (top.kind) {
      case Frame::Kind::Skipped:
        return true;
      case Frame::Kind::RootList:
        fail("the root list holds " + shown + ", not a structure");
      case Frame::Kind::Children:
        fail("the children of " + describe(top.slot) + " hold " + shown + ", not a structure");
      case Frame::Kind::Structure:
        break;
    }
    shown_ = shown;
    apply(structures_[top.slot]);
    top.pending = Field::None;
    return true;
  }

  Field pending() const { return stack_.back().pending; }
  std::size_t slot() const { return stack_.back().slot; }

  [[noreturn]] void wrongType() const {
    const Field field = pending();
    const std::string what = field == Field::Children ? "is not a list of structures"
                             : field == Field::Msg    ? "holds no root structure"
                                                      : "has an invalid value";
    fail(describe(slot()) + ": \"" + keyOf(field) + "\" " + what + " (" + shown_ + ")");
  }
  void ignoredOrWrongType() const {
    if (pending() != Field::Other) wrongType();
  }

  void nullValue(Structure& s) {
    switch (pending()) {
      case Field::Parent:
        s.parentId.reset();
        return;
      case Field::Children:
      case Field::GraphOrder:  // absent in effect
      case Field::Other:
        return;
      default:
        wrongType();
    }
  }

  void integer(Structure& s, std::uint64_t value, bool nonNegative) {
    const auto asId = [&](const char* what) {
      if (!nonNegative || value > std::numeric_limits<StructureId>::max())
        fail(describe(slot()) + ": invalid " + what + " " + shown_);
      return static_cast<StructureId>(value);
    };
    switch (pending()) {
      case Field::Id:
        s.id = asId("structure id");
        haveId_[slot()] = true;
        return;
      case Field::Parent:
        s.parentId = asId("parent id");
        return;
      case Field::GraphOrder: {
        const auto signedValue = static_cast<std::int64_t>(value);
        if (nonNegative ? value > std::numeric_limits<int>::max()
                        : signedValue < std::numeric_limits<int>::min())
          fail(describe(slot()) + ": invalid graph_order " + shown_);
        s.graphOrder = static_cast<int>(signedValue);
        return;
      }
      case Field::Other:
        return;
      default:
        wrongType();
    }
  }

  void text(Structure& s, const std::string& value) {
    const Field field = pending();
    if (field == Field::Other) return;
    if ((field == Field::Acronym || field == Field::Name) &&
        value.size() > AtlasOntology::kMaxTextLength)
      fail(describe(slot()) + ": \"" + keyOf(field) + "\" is " + std::to_string(value.size()) +
           " characters long; at most " + std::to_string(AtlasOntology::kMaxTextLength) +
           " are allowed");
    switch (field) {
      case Field::Acronym:
        s.acronym = value;
        return;
      case Field::Name:
        s.name = value;
        return;
      case Field::Color:
        if (const auto color = parseHexColor(value)) {
          s.color = *color;
          return;
        }
        fail(describe(slot()) + " has an invalid colour '" + value.substr(0, 40) + "'");
      default:
        wrongType();
    }
  }

  const std::filesystem::path& file_;
  std::vector<Structure> structures_;
  std::vector<bool> haveId_;  // per slot: whether its id was read yet
  std::vector<Frame> stack_;
  std::size_t nesting_ = 0;
  std::string shown_;  // the value being handled, as the file spells it (shortened)
};

}  // namespace

std::vector<Structure> readOntologyJson(const std::filesystem::path& file) {
  const std::string text = readBoundedFile(file);
  OntologySaxHandler handler(file);
  try {
    Json::sax_parse(text, &handler);
  } catch (const Json::exception& e) {
    throw FileError(file, std::string("invalid ontology JSON: ") + e.what());
  }
  return handler.take();
}

}  // namespace teramind
