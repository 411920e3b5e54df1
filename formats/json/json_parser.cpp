// SPDX-License-Identifier: Apache-2.0
// Liquibase JSON changelogs, read with nlohmann's SAX parser straight into the shared
// document tree. nlohmann reports no positions for values, so the input is fed through an
// iterator that records how far the lexer has read: every event knows where its token ends,
// and so where it starts.
#include "../common/document_tree.hpp"
#include "strata/input_limits.hpp"

#include <algorithm>
#include <cstring>
#include <fmt/format.h>
#include <iterator>
#include <nlohmann/json.hpp>
#include <utility>

namespace strata::format {
namespace {

using Kind = TreeNode::Kind;

// Passes the input to nlohmann's lexer and leaves in `consumed` the end of what it has read.
struct TrackingIterator {
    using iterator_category = std::input_iterator_tag;
    using value_type = char;
    using difference_type = std::ptrdiff_t;
    using pointer = const char*;
    using reference = const char&;

    const char* position = nullptr;
    const char** consumed = nullptr;

    reference operator*() const { return *position; }
    TrackingIterator& operator++() {
        *consumed = ++position;
        return *this;
    }
    bool operator==(const TrackingIterator& other) const { return position == other.position; }
    bool operator!=(const TrackingIterator& other) const { return position != other.position; }
};

bool is_number_char(char c) {
    return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
}

class TreeBuilder final : public nlohmann::json_sax<nlohmann::json> {
public:
    TreeBuilder(std::string_view text, const char* const& consumed, std::string file)
        : text_(text), consumed_(consumed), file_(std::move(file)) {
        line_starts_.push_back(0);
        for (const char* p = text.data();
             (p = static_cast<const char*>(std::memchr(p, '\n', text.data() + text.size() - p))) !=
             nullptr;) {
            ++p;
            line_starts_.push_back(static_cast<std::size_t>(p - text.data()));
        }
    }

    TreeNode take_document() { return std::move(root_); }

    bool null() override {
        place(consumed() - 4, Kind::Null);
        return true;
    }
    bool boolean(bool value) override {
        place(consumed() - (value ? 4 : 5), Kind::Scalar).scalar = value ? "true" : "false";
        return true;
    }
    bool number_integer(number_integer_t) override { return number(); }
    bool number_unsigned(number_unsigned_t) override { return number(); }
    bool number_float(number_float_t, const string_t&) override { return number(); }
    bool string(string_t& value) override {
        std::size_t start = string_start();
        check_no_nul(value, start);
        place(start, Kind::Scalar).scalar = std::move(value);
        return true;
    }
    bool binary(binary_t&) override { return true; } // JSON text has no binary values

    bool start_object(std::size_t) override { return open(Kind::Mapping); }
    bool end_object() override { return close(); }
    bool start_array(std::size_t) override { return open(Kind::Sequence); }
    bool end_array() override { return close(); }

    bool key(string_t& value) override {
        check_no_nul(value, string_start());
        auto [line, column] = position(string_start());
        key_ = std::move(value);
        key_line_ = line;
        key_column_ = column;
        return true;
    }

    bool parse_error(std::size_t characters_read, const std::string& last_token,
                     const nlohmann::detail::exception& error) override {
        // what() reads "[json.exception.parse_error.101] parse error at line 1, column 2: <why>".
        std::string_view why = error.what();
        if (auto colon = why.find(": ", why.find("parse error")); colon != std::string_view::npos)
            why.remove_prefix(colon + 2);
        auto [line, column] = position(token_start(characters_read, last_token));
        throw Error(ErrorKind::Parse, fmt::format("malformed JSON: {}", abbreviate(why, 400)),
                    {file_, line, column}, "fix the JSON syntax; nothing was applied");
    }

private:
    // nlohmann counts the characters read up to the error; the offending token ends there.
    std::size_t token_start(std::size_t characters_read, std::string_view token) const {
        std::size_t end = std::min(characters_read, text_.size());
        if (!token.empty() && token.size() <= end &&
            text_.substr(end - token.size(), token.size()) == token)
            return end - token.size();
        return characters_read > 0 ? std::min(characters_read - 1, text_.size()) : 0;
    }

    std::size_t consumed() const { return static_cast<std::size_t>(consumed_ - text_.data()); }

    // Events arrive in document order, so the line is found by walking on from the last one.
    std::pair<int, int> position(std::size_t offset) {
        offset = std::min(offset, text_.size());
        if (offset < line_starts_[line_]) {
            line_ = static_cast<std::size_t>(
                std::upper_bound(line_starts_.begin(), line_starts_.end(), offset) -
                line_starts_.begin() - 1);
        }
        while (line_ + 1 < line_starts_.size() && line_starts_[line_ + 1] <= offset)
            ++line_;
        return {static_cast<int>(line_ + 1), static_cast<int>(offset - line_starts_[line_] + 1)};
    }

    // The lexer stops right after a string's closing quote; its opening quote is the first
    // unescaped one before that.
    std::size_t string_start() const {
        std::size_t end = consumed() - 1;
        for (std::size_t i = end; i-- > 0;) {
            if (text_[i] != '"')
                continue;
            std::size_t backslashes = 0;
            while (backslashes < i && text_[i - 1 - backslashes] == '\\')
                ++backslashes;
            if (backslashes % 2 == 0)
                return i;
        }
        return 0;
    }

    // Numbers keep the text as written ("19.50", not 19.5), as YAML and XML keep it. The lexer
    // reads one character past a number before it knows the number has ended.
    bool number() {
        std::size_t end = consumed();
        if (end > 0 && !is_number_char(text_[end - 1]))
            --end;
        std::size_t start = end;
        while (start > 0 && is_number_char(text_[start - 1]))
            --start;
        place(start, Kind::Scalar).scalar = text_.substr(start, end - start);
        return true;
    }

    // Each value is built where it stays: in its parent, which is the innermost open container.
    // Open containers never move, because only the innermost one grows.
    TreeNode& place(std::size_t offset, Kind kind) {
        TreeNode* node = &root_;
        if (!open_.empty()) {
            TreeNode& parent = *open_.back();
            node = &parent.children.emplace_back();
            if (parent.kind == Kind::Mapping) {
                node->key = std::move(key_);
                node->key_line = key_line_;
                node->key_column = key_column_;
                check_new_key(parent, *node, file_);
            }
        }
        auto [line, column] = position(offset);
        node->kind = kind;
        node->line = line;
        node->column = column;
        return *node;
    }

    // An escaped NUL (backslash, u0000) decodes to a NUL character, which a database or a C
    // string would cut the text at: refused rather than silently shortened.
    void check_no_nul(const std::string& value, std::size_t start) {
        if (value.find('\0') == std::string::npos)
            return;
        auto [line, column] = position(start);
        throw Error(ErrorKind::Parse, "a JSON string holds a NUL character (\\u0000)",
                    {file_, line, column},
                    "remove the \\u0000; a NUL cannot reach the database intact");
    }

    // Lists and maps nested without a bound would exhaust the stack later, when the tree is
    // read or freed; no changelog comes near the limit.
    bool open(Kind kind) {
        if (open_.size() >= static_cast<std::size_t>(kMaxChangelogNesting)) {
            auto [line, column] = position(consumed() - 1);
            throw Error(ErrorKind::Parse,
                        fmt::format("the JSON nests lists and maps deeper than {} levels",
                                    kMaxChangelogNesting),
                        {file_, line, column},
                        "a Liquibase changelog needs a few levels; check that the file is a "
                        "changelog");
        }
        open_.push_back(&place(consumed() - 1, kind));
        return true;
    }

    bool close() {
        open_.pop_back();
        return true;
    }

    std::string_view text_;
    const char* const& consumed_;
    std::string file_;
    std::vector<std::size_t> line_starts_;
    std::size_t line_ = 0;
    TreeNode root_;
    std::vector<TreeNode*> open_;
    std::string key_;
    int key_line_ = 0;
    int key_column_ = 0;
};

} // namespace

void read_json_changelog(ParseSession& session, const std::filesystem::path& on_disk,
                         const std::string& recorded) {
    const std::string text = read_changelog_text(on_disk);
    // nlohmann's lexer takes a NUL byte for the end of the input and would silently ignore
    // everything after it; JSON allows none outside strings, nor raw inside them.
    if (std::size_t nul = text.find('\0'); nul != std::string::npos) {
        std::size_t line_start = text.rfind('\n', nul);
        line_start = line_start == std::string::npos ? 0 : line_start + 1;
        auto line = static_cast<int>(std::count(
                        text.begin(), text.begin() + static_cast<std::ptrdiff_t>(nul), '\n')) +
                    1;
        throw Error(ErrorKind::Parse, "the JSON changelog contains a NUL byte",
                    {on_disk.string(), line, static_cast<int>(nul - line_start + 1)},
                    "JSON allows no NUL byte; remove it, or check that the file is text");
    }

    const char* consumed = text.data();
    TreeBuilder builder(text, consumed, on_disk.string());
    TrackingIterator first{text.data(), &consumed};
    TrackingIterator last{text.data() + text.size(), &consumed};
    nlohmann::json::sax_parse(first, last, &builder);
    read_tree_changelog(session, builder.take_document(), on_disk, recorded, "JSON");
}

} // namespace strata::format
