// SPDX-License-Identifier: Apache-2.0
#include "strata/filter.hpp"

#include "strata/input_limits.hpp"
#include "strata/text.hpp"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>
#include <vector>

namespace strata {
namespace {

// Recursive descent over: or := and (("or" | ",") and)* ; and := unary ("and" unary)* ;
// unary := ("!" | "not") unary | "(" or ")" | name. Each "(" and each "!"/"not" is one level
// of recursion, bounded by kMaxExpressionNesting so hostile input cannot exhaust the stack.
class ExpressionParser {
public:
    ExpressionParser(std::string_view text, const std::set<std::string>& names) : names_(names) {
        tokenize(text);
    }

    bool parse() {
        bool value = parse_or();
        if (position_ != tokens_.size())
            fail(fmt::format("unexpected '{}'", abbreviate(tokens_[position_])));
        return value;
    }

private:
    void tokenize(std::string_view text) {
        std::string word;
        auto flush = [&] {
            if (!word.empty())
                tokens_.push_back(to_lower(word));
            word.clear();
        };
        for (char c : text) {
            if (c == '(' || c == ')' || c == ',' || c == '!') {
                flush();
                tokens_.emplace_back(1, c);
            } else if (std::isspace(static_cast<unsigned char>(c))) {
                flush();
            } else {
                word += c;
            }
        }
        flush();
        text_ = std::string(text);
    }

    [[noreturn]] void fail(const std::string& why) const {
        throw Error(ErrorKind::Validation,
                    fmt::format("malformed expression '{}': {}", abbreviate(text_), why), {},
                    "use names joined by 'and', 'or', ',', '!' or 'not', with parentheses");
    }

    bool at(std::string_view token) const {
        return position_ < tokens_.size() && tokens_[position_] == token;
    }

    bool parse_or() {
        bool value = parse_and();
        while (at("or") || at(",")) {
            ++position_;
            value = parse_and() || value;
        }
        return value;
    }

    bool parse_and() {
        bool value = parse_unary();
        while (at("and")) {
            ++position_;
            value = parse_unary() && value;
        }
        return value;
    }

    // Counts one level of nesting while it lives.
    struct Nested {
        explicit Nested(ExpressionParser& parser) : parser_(parser) {
            if (++parser_.depth_ > kMaxExpressionNesting)
                throw Error(ErrorKind::Parse,
                            fmt::format("expression '{}' nests parentheses and not/! deeper than "
                                        "{} levels",
                                        abbreviate(parser_.text_), kMaxExpressionNesting),
                            {}, "write the expression with fewer nested parentheses and negations");
        }
        ~Nested() { --parser_.depth_; }
        Nested(const Nested&) = delete;
        Nested& operator=(const Nested&) = delete;

    private:
        ExpressionParser& parser_;
    };

    bool parse_unary() {
        if (position_ >= tokens_.size())
            fail("it ends too early");
        if (at("!") || at("not")) {
            ++position_;
            Nested nested(*this);
            return !parse_unary();
        }
        if (at("(")) {
            ++position_;
            Nested nested(*this);
            bool value = parse_or();
            if (!at(")"))
                fail("missing ')'");
            ++position_;
            return value;
        }
        const std::string& token = tokens_[position_++];
        if (token == ")" || token == "," || token == "and" || token == "or")
            fail(fmt::format("unexpected '{}'", abbreviate(token)));
        return names_.count(token) > 0;
    }

    const std::set<std::string>& names_;
    std::vector<std::string> tokens_;
    std::size_t position_ = 0;
    int depth_ = 0;
    std::string text_;
};

} // namespace

bool evaluate_expression(std::string_view expression, const std::set<std::string>& names) {
    if (trim(expression).empty())
        return true;
    return ExpressionParser(expression, names).parse();
}

std::set<std::string> split_names(std::string_view list) {
    std::set<std::string> names;
    std::size_t start = 0;
    while (start <= list.size()) {
        std::size_t comma = list.find(',', start);
        std::string name = to_lower(trim(list.substr(start, comma - start)));
        if (!name.empty())
            names.insert(name);
        if (comma == std::string_view::npos)
            break;
        start = comma + 1;
    }
    return names;
}

bool dbms_matches(std::string_view list, std::string_view database) {
    std::set<std::string> entries = split_names(list);
    if (entries.empty() || entries.count("all"))
        return true;
    if (entries.count("none"))
        return false;
    std::string db = to_lower(database);
    bool any_positive = false;
    for (const std::string& entry : entries) {
        if (entry.starts_with('!')) {
            if (entry.substr(1) == db)
                return false;
        } else {
            any_positive = true;
            if (entry == db)
                return true;
        }
    }
    return !any_positive;
}

std::optional<std::string> filtered_out(const ChangeSet& changeset, const RunFilter& filter,
                                        std::string_view database) {
    if (changeset.ignore)
        return "Ignored";
    if (!changeset.dbms.empty() && !dbms_matches(changeset.dbms, database))
        return "DBMS mismatch";
    if (filter.contexts && !trim(*filter.contexts).empty()) {
        std::set<std::string> names = split_names(*filter.contexts);
        auto holds = [&](const std::string& expression) {
            return trim(expression).empty() || evaluate_expression(expression, names);
        };
        if (!holds(changeset.context_filter) ||
            !std::all_of(changeset.inherited_contexts.begin(), changeset.inherited_contexts.end(),
                         holds))
            return "Context mismatch";
    }
    if (filter.labels && !trim(*filter.labels).empty()) {
        std::set<std::string> labels = split_names(changeset.labels);
        for (const std::string& inherited : changeset.inherited_labels)
            labels.merge(split_names(inherited));
        if (!labels.empty() && !evaluate_expression(*filter.labels, labels))
            return "Label mismatch";
    }
    return std::nullopt;
}

std::optional<std::string> contexts_column(const ChangeSet& changeset) {
    std::string column;
    auto append = [&](const std::string& expression) {
        if (trim(expression).empty())
            return;
        if (!column.empty())
            column += " AND ";
        bool wrap = std::any_of(expression.begin(), expression.end(), [](char c) {
            return c == ',' || std::isspace(static_cast<unsigned char>(c));
        });
        column += wrap ? "(" + expression + ")" : expression;
    };
    for (const std::string& inherited : changeset.inherited_contexts)
        append(inherited);
    append(changeset.context_filter);
    return column.empty() ? std::nullopt : std::optional<std::string>(column);
}

std::optional<std::string> labels_column(const ChangeSet& changeset) {
    std::vector<std::string> column;
    auto append = [&](std::string_view list) {
        std::vector<std::string> names;
        std::size_t start = 0;
        while (start <= list.size()) {
            std::size_t comma = list.find(',', start);
            std::string name = to_lower(trim(list.substr(start, comma - start)));
            if (!name.empty() && std::find(names.begin(), names.end(), name) == names.end())
                names.push_back(std::move(name));
            if (comma == std::string_view::npos)
                break;
            start = comma + 1;
        }
        column.insert(column.end(), names.begin(), names.end());
    };
    for (const std::string& inherited : changeset.inherited_labels)
        append(inherited);
    append(changeset.labels);
    if (column.empty())
        return std::nullopt;
    return fmt::format("{}", fmt::join(column, ","));
}

} // namespace strata
