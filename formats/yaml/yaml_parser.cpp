// SPDX-License-Identifier: Apache-2.0
// Liquibase YAML changelogs, read with yaml-cpp's event parser straight into the shared
// document tree (no YAML::Node graph in between), with each value's position.
#include "../common/document_tree.hpp"
#include "strata/input_limits.hpp"

#include <fmt/format.h>
#include <optional>
#include <sstream>
#include <unordered_map>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

namespace strata::format {
namespace {

using Kind = TreeNode::Kind;

// Aliases copy the anchored value; an "alias bomb" (anchors of lists of aliases of anchors)
// grows exponentially with a few lines of input. The copies are bounded in values and bytes.
constexpr std::size_t kMaxAliasCopiedNodes = 1'000'000;
constexpr std::size_t kMaxAliasCopiedBytes = std::size_t{64} * 1024 * 1024;

// What a value costs to copy: its nodes and the bytes of their text.
struct Weight {
    std::size_t nodes = 0;
    std::size_t bytes = 0;
};

// YAML allows no control character other than tab, line feed and carriage return, and a
// changelog is UTF-8. yaml-cpp would silently end the document at some control characters
// and replace invalid UTF-8, so both are refused here with their position. Input in UTF-16 or
// UTF-32 (a byte order mark, or NUL bytes in the first two) is left to yaml-cpp.
void check_yaml_text(std::string_view text, const std::string& file) {
    if (text.starts_with("\xFF\xFE") || text.starts_with("\xFE\xFF") ||
        (text.size() >= 2 && (text[0] == '\0' || text[1] == '\0')))
        return;
    int line = 1;
    std::size_t line_start = 0;
    auto fail = [&](std::size_t offset, const std::string& what, const char* hint) {
        throw Error(ErrorKind::Parse, what, {file, line, static_cast<int>(offset - line_start + 1)},
                    hint);
    };
    for (std::size_t i = 0; i < text.size();) {
        auto c = static_cast<unsigned char>(text[i]);
        if (c == '\n') {
            ++line;
            line_start = ++i;
            continue;
        }
        if (c < 0x80) {
            if ((c < 0x20 && c != '\t' && c != '\r') || c == 0x7F)
                fail(i,
                     fmt::format("the YAML changelog contains the control character U+{:04X}", c),
                     "YAML allows no control characters but tab and line breaks; check that the "
                     "file is text");
            ++i;
            continue;
        }
        // The length of a UTF-8 sequence from its lead byte, and the smallest code point it
        // may encode (to refuse overlong forms).
        std::size_t length = c >= 0xC2 && c <= 0xDF   ? 2
                             : c >= 0xE0 && c <= 0xEF ? 3
                             : c >= 0xF0 && c <= 0xF4 ? 4
                                                      : 0;
        bool valid = length != 0 && i + length <= text.size();
        std::uint32_t code = length == 2 ? c & 0x1Fu : length == 3 ? c & 0x0Fu : c & 0x07u;
        for (std::size_t k = 1; valid && k < length; ++k) {
            auto next = static_cast<unsigned char>(text[i + k]);
            valid = (next & 0xC0) == 0x80;
            code = (code << 6) | (next & 0x3Fu);
        }
        if (valid)
            valid = !(length == 3 && (code < 0x800 || (code >= 0xD800 && code <= 0xDFFF))) &&
                    !(length == 4 && (code < 0x10000 || code > 0x10FFFF));
        if (!valid)
            fail(i, fmt::format("the YAML changelog is not valid UTF-8 (byte 0x{:02X})", c),
                 "save the file as UTF-8");
        i += length;
    }
}

// Liquibase reads YAML with SnakeYAML's YAML 1.1 resolver: these plain words are booleans
// and reach the model as "true"/"false"; quoted, they stay text.
std::optional<bool> yaml11_boolean(std::string_view word) {
    static constexpr std::string_view kTrue[] = {"true", "True", "TRUE", "yes", "Yes",
                                                 "YES",  "on",   "On",   "ON"};
    static constexpr std::string_view kFalse[] = {"false", "False", "FALSE", "no", "No",
                                                  "NO",    "off",   "Off",   "OFF"};
    for (std::string_view candidate : kTrue) {
        if (word == candidate)
            return true;
    }
    for (std::string_view candidate : kFalse) {
        if (word == candidate)
            return false;
    }
    return std::nullopt;
}

bool yaml_null(std::string_view word) {
    return word.empty() || word == "~" || word == "null" || word == "Null" || word == "NULL";
}

class TreeBuilder final : public YAML::EventHandler {
public:
    explicit TreeBuilder(std::string file) : file_(std::move(file)) {}

    TreeNode take_document() { return root_ ? std::move(*root_) : TreeNode{}; }

    void OnDocumentStart(const YAML::Mark& mark) override { document_start_ = mark; }
    /// Where the last document began.
    const YAML::Mark& document_start() const { return document_start_; }
    void OnDocumentEnd() override {}

    void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
        complete(at(TreeNode{}, mark), anchor, false, Weight{1, 0});
    }

    void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
        auto it = anchors_.find(anchor);
        if (it == anchors_.end())
            throw Error(ErrorKind::Parse, "alias to an unknown anchor",
                        {file_, mark.line + 1, mark.column + 1},
                        "define the anchor (&name) before using it");
        const auto& [anchored, weight] = it->second;
        copied_.nodes += weight.nodes;
        copied_.bytes += weight.bytes;
        if (copied_.nodes > kMaxAliasCopiedNodes || copied_.bytes > kMaxAliasCopiedBytes)
            throw Error(ErrorKind::Parse,
                        fmt::format("YAML aliases expand to more than {} values or {} MiB",
                                    kMaxAliasCopiedNodes, kMaxAliasCopiedBytes >> 20),
                        {file_, mark.line + 1, mark.column + 1},
                        "each alias (*name) copies its anchor's whole value; anchors of lists of "
                        "aliases grow exponentially (an alias bomb): write the values out");
        complete(at(TreeNode(anchored), mark), 0, false, weight);
    }

    void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  const std::string& value) override {
        if (value.find('\0') != std::string::npos)
            throw Error(ErrorKind::Parse, "a YAML value holds a NUL character",
                        {file_, mark.line + 1, mark.column + 1},
                        "remove the \\0 escape; a NUL cannot reach the database intact");
        TreeNode node;
        node.kind = Kind::Scalar;
        node.scalar = value;
        complete(at(std::move(node), mark), anchor, tag == "?" || tag.empty(),
                 Weight{1, value.size()});
    }

    void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                         YAML::EmitterStyle::value) override {
        open(Kind::Sequence, mark, anchor);
    }
    void OnSequenceEnd() override { close(); }

    void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                    YAML::EmitterStyle::value) override {
        open(Kind::Mapping, mark, anchor);
    }
    void OnMapEnd() override { close(); }

private:
    struct Frame {
        TreeNode node;
        YAML::anchor_t anchor = 0;
        std::optional<TreeNode> key;
        Weight weight{1, 0};
    };

    static TreeNode at(TreeNode node, const YAML::Mark& mark) {
        node.line = mark.line + 1;
        node.column = mark.column + 1;
        return node;
    }

    // yaml-cpp recurses once per level as it reads nested lists and maps, and so would reading
    // and freeing the tree: the depth is bounded before either goes far.
    void open(Kind kind, const YAML::Mark& mark, YAML::anchor_t anchor) {
        if (stack_.size() >= static_cast<std::size_t>(kMaxChangelogNesting))
            throw Error(ErrorKind::Parse,
                        fmt::format("the YAML nests lists and maps deeper than {} levels",
                                    kMaxChangelogNesting),
                        {file_, mark.line + 1, mark.column + 1},
                        "a Liquibase changelog needs a few levels; check that the file is a "
                        "changelog");
        TreeNode node;
        node.kind = kind;
        // A changelog's maps hold a few keys: room for them at once, not after 3 reallocations.
        node.children.reserve(kind == Kind::Mapping ? 4 : 1);
        stack_.push_back(Frame{at(std::move(node), mark), anchor, std::nullopt, Weight{1, 0}});
    }

    void close() {
        Frame frame = std::move(stack_.back());
        stack_.pop_back();
        complete(std::move(frame.node), frame.anchor, false, frame.weight);
    }

    void complete(TreeNode node, YAML::anchor_t anchor, bool plain, Weight weight) {
        if (!stack_.empty()) {
            stack_.back().weight.nodes += weight.nodes;
            stack_.back().weight.bytes += weight.bytes;
        }
        if (stack_.empty() || stack_.back().node.kind == Kind::Sequence ||
            stack_.back().key.has_value())
            resolve(node, plain);
        if (anchor != 0)
            anchors_[anchor] = {node, weight};
        if (stack_.empty()) {
            // A later document may only be empty (a trailing "---").
            if (root_ && node.kind != Kind::Null)
                throw Error(ErrorKind::Parse, "a changelog file holds one YAML document",
                            {file_, node.line, node.column},
                            "remove the '---' that starts a second one");
            if (!root_)
                root_ = std::move(node);
            return;
        }
        Frame& parent = stack_.back();
        if (parent.node.kind == Kind::Sequence) {
            parent.node.children.push_back(std::move(node));
        } else if (!parent.key) {
            if (node.kind != Kind::Scalar)
                throw Error(ErrorKind::Parse, "a key must be a single word",
                            {file_, node.line, node.column}, "write 'key: value'");
            parent.key = std::move(node);
        } else {
            node.key = std::move(parent.key->scalar);
            node.key_line = parent.key->line;
            node.key_column = parent.key->column;
            parent.key.reset();
            check_new_key(parent.node, node, file_);
            parent.node.children.push_back(std::move(node));
        }
    }

    static void resolve(TreeNode& node, bool plain) {
        if (!plain || node.kind != Kind::Scalar)
            return;
        if (yaml_null(node.scalar)) {
            node.kind = Kind::Null;
            node.scalar.clear();
        } else if (std::optional<bool> value = yaml11_boolean(node.scalar)) {
            node.scalar = *value ? "true" : "false";
        }
    }

    std::string file_;
    std::vector<Frame> stack_;
    std::optional<TreeNode> root_;
    std::unordered_map<YAML::anchor_t, std::pair<TreeNode, Weight>> anchors_;
    Weight copied_;
    YAML::Mark document_start_ = YAML::Mark::null_mark();
};

} // namespace

void read_yaml_changelog(ParseSession& session, const std::filesystem::path& on_disk,
                         const std::string& recorded) {
    std::string text = read_changelog_text(on_disk);
    check_yaml_text(text, on_disk.string());
    std::istringstream in(text);
    TreeBuilder builder(on_disk.string());
    try {
        YAML::Parser parser(in);
        // yaml-cpp 0.7 reads a document that starts with a token it does not expect (a ','
        // found by fuzzing) as an empty document without consuming the token, and so returns
        // the same empty document forever: a document that starts where the previous one did
        // is that token, and an error.
        int previous_start = -1;
        while (parser.HandleNextDocument(builder)) {
            const YAML::Mark& start = builder.document_start();
            if (start.pos == previous_start) {
                auto offset = static_cast<std::size_t>(start.pos);
                throw Error(ErrorKind::Parse,
                            offset < text.size()
                                ? fmt::format("malformed YAML: unexpected '{}'", text[offset])
                                : std::string("malformed YAML"),
                            {on_disk.string(), start.line + 1, start.column + 1},
                            "fix the YAML syntax; nothing was applied");
            }
            previous_start = start.pos;
        }
    } catch (const YAML::Exception& e) {
        SourceLocation where{on_disk.string(), 0, 0};
        if (!e.mark.is_null())
            where = {on_disk.string(), e.mark.line + 1, e.mark.column + 1};
        throw Error(ErrorKind::Parse, fmt::format("malformed YAML: {}", abbreviate(e.msg, 400)),
                    where, "fix the YAML syntax; nothing was applied");
    }
    read_tree_changelog(session, builder.take_document(), on_disk, recorded, "YAML");
}

} // namespace strata::format
