// SPDX-License-Identifier: Apache-2.0
// Liquibase YAML changelogs, read with yaml-cpp's event parser straight into the shared
// document tree (no YAML::Node graph in between), with each value's position.
#include "../common/document_tree.hpp"

#include <fmt/format.h>
#include <fstream>
#include <optional>
#include <unordered_map>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

namespace strata::format {
namespace {

using Kind = TreeNode::Kind;

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

    void OnDocumentStart(const YAML::Mark&) override {}
    void OnDocumentEnd() override {}

    void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
        complete(at(TreeNode{}, mark), anchor, false);
    }

    void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
        auto it = anchors_.find(anchor);
        if (it == anchors_.end())
            throw Error(ErrorKind::Parse, "alias to an unknown anchor",
                        {file_, mark.line + 1, mark.column + 1},
                        "define the anchor (&name) before using it");
        complete(at(TreeNode(it->second), mark), 0, false);
    }

    void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  const std::string& value) override {
        TreeNode node;
        node.kind = Kind::Scalar;
        node.scalar = value;
        complete(at(std::move(node), mark), anchor, tag == "?" || tag.empty());
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
    };

    static TreeNode at(TreeNode node, const YAML::Mark& mark) {
        node.line = mark.line + 1;
        node.column = mark.column + 1;
        return node;
    }

    void open(Kind kind, const YAML::Mark& mark, YAML::anchor_t anchor) {
        TreeNode node;
        node.kind = kind;
        stack_.push_back(Frame{at(std::move(node), mark), anchor, std::nullopt});
    }

    void close() {
        Frame frame = std::move(stack_.back());
        stack_.pop_back();
        complete(std::move(frame.node), frame.anchor, false);
    }

    void complete(TreeNode node, YAML::anchor_t anchor, bool plain) {
        if (stack_.empty() || stack_.back().node.kind == Kind::Sequence ||
            stack_.back().key.has_value())
            resolve(node, plain);
        if (anchor != 0)
            anchors_[anchor] = node;
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
    std::unordered_map<YAML::anchor_t, TreeNode> anchors_;
};

} // namespace

void read_yaml_changelog(ParseSession& session, const std::filesystem::path& on_disk,
                         const std::string& recorded) {
    std::ifstream in(on_disk, std::ios::binary);
    if (!in)
        throw Error(ErrorKind::Parse, fmt::format("cannot read '{}'", on_disk.string()), {},
                    "check that the file exists and is readable");
    TreeBuilder builder(on_disk.string());
    try {
        YAML::Parser parser(in);
        while (parser.HandleNextDocument(builder)) {
        }
    } catch (const YAML::Exception& e) {
        SourceLocation where{on_disk.string(), 0, 0};
        if (!e.mark.is_null())
            where = {on_disk.string(), e.mark.line + 1, e.mark.column + 1};
        throw Error(ErrorKind::Parse, fmt::format("malformed YAML: {}", e.msg), where,
                    "fix the YAML syntax; nothing was applied");
    }
    read_tree_changelog(session, builder.take_document(), on_disk, recorded, "YAML");
}

} // namespace strata::format
