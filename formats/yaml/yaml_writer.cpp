// SPDX-License-Identifier: Apache-2.0
// The model as a Liquibase YAML changelog. Written by hand rather than with YAML::Emitter:
// a value must read back as the same text both here and in Liquibase (SnakeYAML, YAML 1.1),
// so anything a YAML 1.1 reader could take for a boolean, null, number or date is quoted.
#include "../common/writer_support.hpp"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>

namespace strata::format {
namespace {

bool is_canonical_integer(std::string_view text) {
    std::string_view digits = text.starts_with('-') ? text.substr(1) : text;
    return !digits.empty() && (digits == "0" || digits.front() != '0') &&
           std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool is_yaml11_word(std::string_view text) {
    static constexpr std::string_view kWords[] = {"y",     "yes", "n",   "no",   "true",
                                                  "false", "on",  "off", "null", "~"};
    std::string lower(text);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return std::find(std::begin(kWords), std::end(kWords), lower) != std::end(kWords);
}

// Plain only when nothing could read it as anything but this text.
bool can_be_plain(std::string_view text) {
    if (text.empty() || is_yaml11_word(text))
        return false;
    if (is_canonical_integer(text))
        return true;
    char first = text.front();
    if (!std::isalpha(static_cast<unsigned char>(first)) && first != '_')
        return false;
    return std::all_of(text.begin(), text.end(),
                       [](char c) {
                           return std::isalnum(static_cast<unsigned char>(c)) ||
                                  std::string_view("_ .,;()/+*=<>!'-").find(c) !=
                                      std::string_view::npos;
                       }) &&
           text.back() != ' ';
}

std::string double_quoted(std::string_view text) {
    std::string out = "\"";
    for (char c : text) {
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\t':
            out += "\\t";
            break;
        case '\r':
            out += "\\r";
            break;
        default:
            if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F)
                out += fmt::format("\\x{:02X}", static_cast<unsigned char>(c));
            else
                out += c;
        }
    }
    return out + "\"";
}

// A literal block keeps multi-line SQL readable; it cannot hold leading or trailing
// whitespace, lines of blanks, or control characters, which go double-quoted instead.
bool can_be_literal_block(std::string_view text) {
    if (text.find('\n') == std::string_view::npos || text.front() == ' ' || text.front() == '\t' ||
        text.back() == '\n' || text.back() == ' ' || text.back() == '\t')
        return false;
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t end = std::min(text.find('\n', start), text.size());
        std::string_view line = text.substr(start, end - start);
        if (!line.empty() && line.find_first_not_of(" \t") == std::string_view::npos)
            return false;
        start = end + 1;
    }
    return std::none_of(text.begin(), text.end(), [](char c) {
        return (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t') || c == 0x7F;
    });
}

class YamlWriter {
public:
    std::string write(const Changelog& changelog) {
        out_ += "databaseChangeLog:\n";
        if (!changelog.path.empty())
            out_ += fmt::format("  - logicalFilePath: {}\n", scalar(changelog.path, 6));
        if (changelog.preconditions) {
            out_ += "  - preConditions:\n";
            write_preconditions(*changelog.preconditions, 6);
        }
        for (const ChangeSet& changeset : changelog.changesets) {
            out_ += "  - changeSet:\n";
            write_changeset(changeset, changelog.path, 6);
        }
        return std::move(out_);
    }

private:
    static std::string indent(int level) {
        return std::string(static_cast<std::size_t>(level), ' ');
    }

    static std::string scalar(std::string_view text, int level) {
        if (can_be_plain(text))
            return std::string(text);
        if (can_be_literal_block(text)) {
            std::string block = "|-";
            std::size_t start = 0;
            while (start <= text.size()) {
                std::size_t end = std::min(text.find('\n', start), text.size());
                std::string_view line = text.substr(start, end - start);
                block += '\n';
                if (!line.empty())
                    block += indent(level + 2) + std::string(line);
                start = end + 1;
            }
            return block;
        }
        return double_quoted(text);
    }

    void key_value(int level, std::string_view key, std::string_view value, bool boolean) {
        out_ += fmt::format("{}{}: {}\n", indent(level), key,
                            boolean ? std::string(value) : scalar(value, level));
    }

    void attributes(int level, const std::vector<WrittenAttribute>& attributes) {
        for (const WrittenAttribute& attribute : attributes)
            key_value(level, attribute.name, *attribute.value, attribute.boolean);
    }

    // Entries at `level` of a list of single-key maps, as Liquibase reads preConditions.
    void write_preconditions(const Preconditions& preconditions, int level) {
        auto action = [&](std::string_view key, PreconditionAction value) {
            if (value != PreconditionAction::Halt)
                out_ += fmt::format("{}- {}: {}\n", indent(level), key, action_name(value));
        };
        action("onFail", preconditions.on_fail);
        action("onError", preconditions.on_error);
        if (!preconditions.on_fail_message.empty())
            out_ += fmt::format("{}- onFailMessage: {}\n", indent(level),
                                scalar(preconditions.on_fail_message, level + 2));
        if (!preconditions.on_error_message.empty())
            out_ += fmt::format("{}- onErrorMessage: {}\n", indent(level),
                                scalar(preconditions.on_error_message, level + 2));
        for (const Precondition& condition : preconditions.conditions)
            write_precondition(condition, level);
    }

    void write_precondition(const Precondition& precondition, int level) {
        bool combination = is_combination(precondition);
        if (combination ? precondition.children.empty() : precondition.attributes.empty()) {
            out_ += fmt::format("{}- {}: {}\n", indent(level), precondition.type,
                                combination ? "[]" : "{}");
            return;
        }
        out_ += fmt::format("{}- {}:\n", indent(level), precondition.type);
        if (combination) {
            for (const Precondition& child : precondition.children)
                write_precondition(child, level + 4);
            return;
        }
        attributes(level + 4, precondition_attributes_of(precondition));
    }

    void write_changeset(const ChangeSet& changeset, const std::string& changelog_path, int level) {
        for (const ChangesetField& field : changeset_fields(changeset, changelog_path))
            key_value(level, field.name, field.value, field.boolean);
        if (!changeset.comment.empty())
            key_value(level, "comment", changeset.comment, false);
        if (changeset.preconditions) {
            out_ += indent(level) + "preConditions:\n";
            write_preconditions(*changeset.preconditions, level + 2);
        }
        if (!changeset.valid_checksums.empty()) {
            out_ += indent(level) + "validCheckSum:\n";
            for (const std::string& sum : changeset.valid_checksums)
                out_ += fmt::format("{}- {}\n", indent(level + 2), scalar(sum, level + 2));
        }
        out_ += indent(level) + "changes:\n";
        for (const Change& change : changeset.changes)
            write_change(change, level + 2);
        if (changeset.rollback) {
            out_ += indent(level) +
                    (changeset.rollback->changes.empty() ? "rollback: []\n" : "rollback:\n");
            for (const Change& change : changeset.rollback->changes)
                write_change(change, level + 2);
        }
        write_modify_sql(changeset, level);
    }

    void write_change(const Change& change, int level) {
        const ChangeSpec& spec = change_spec(change.kind);
        if (change.attributes.empty() && change.columns.empty() && change.where_params.empty()) {
            out_ += fmt::format("{}- {}: {{}}\n", indent(level), spec.name);
            return;
        }
        out_ += fmt::format("{}- {}:\n", indent(level), spec.name);
        attributes(level + 4, ordered_attributes(change.attributes, spec.attributes));
        if (!change.where_params.empty()) {
            out_ += indent(level + 4) + "whereParams:\n";
            for (const Column& param : change.where_params) {
                out_ += indent(level + 6) + "- param:\n";
                attributes(level + 10,
                           ordered_attributes(param.attributes, column_attribute_specs()));
            }
        }
        if (change.columns.empty())
            return;
        // executeCommand's arguments are value-only columns, written as Liquibase's args.
        bool arguments = change.kind == ChangeKind::ExecuteCommand;
        out_ += indent(level + 4) + (arguments ? "args:\n" : "columns:\n");
        for (const Column& column : change.columns) {
            out_ += indent(level + 6) + (arguments ? "- arg:\n" : "- column:\n");
            attributes(level + 10, ordered_attributes(column.attributes, column_attribute_specs()));
            if (!column.constraints)
                continue;
            if (column.constraints->empty()) {
                out_ += indent(level + 10) + "constraints: {}\n";
                continue;
            }
            out_ += indent(level + 10) + "constraints:\n";
            attributes(level + 12,
                       ordered_attributes(*column.constraints, constraint_attribute_specs()));
        }
    }

    // One modifySql entry per changeset: a list of single-key maps reads as one block, so the
    // same visitor may appear more than once.
    void write_modify_sql(const ChangeSet& changeset, int level) {
        auto blocks = modify_sql_blocks(changeset);
        if (blocks.empty())
            return;
        if (blocks.size() > 1)
            cannot_write(
                changeset, "YAML",
                "its modifySql visitors differ in dbms, context, labels or applyToRollback",
                "write it as XML, or give its visitors the same dbms, context and labels");
        const SqlVisitor& shared = *blocks.front().front();
        out_ += indent(level) + "modifySql:\n";
        auto entry = [&](std::string_view key, const std::string& value, bool boolean) {
            out_ += fmt::format("{}- {}: {}\n", indent(level + 2), key,
                                boolean ? value : scalar(value, level + 4));
        };
        if (!shared.dbms.empty())
            entry("dbms", shared.dbms, false);
        if (!shared.context_filter.empty())
            entry("context", shared.context_filter, false);
        if (!shared.labels.empty())
            entry("labels", shared.labels, false);
        if (shared.apply_to_rollback)
            entry("applyToRollback", "true", true);
        for (const SqlVisitor* visitor : blocks.front()) {
            out_ += fmt::format("{}- {}:\n", indent(level + 2), visitor->type);
            for (const auto& [name, value] : visitor->attributes)
                key_value(level + 6, name, value, false);
        }
    }

    std::string out_;
};

} // namespace

std::string write_yaml_changelog(const Changelog& changelog) {
    return YamlWriter().write(changelog);
}

} // namespace strata::format
