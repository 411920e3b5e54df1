// SPDX-License-Identifier: Apache-2.0
// The schema comparison behind `strata diff` (see schema_diff.hpp for the rules).
#include "strata/core/schema_diff.hpp"

#include "strata/error.hpp"
#include "strata/text.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <fmt/format.h>
#include <map>
#include <regex>
#include <set>

namespace strata::diff {
namespace {

using namespace snapshot;

struct TypeNames {
    ObjectType type;
    std::string_view display;
    std::string_view diff_type;
    std::string_view json;
};

constexpr std::array kTypes = {
    TypeNames{ObjectType::CheckConstraint, "Check Constraint", "checkconstraints",
              "checkConstraint"},
    TypeNames{ObjectType::Column, "Column", "columns", "column"},
    TypeNames{ObjectType::ForeignKey, "Foreign Key", "foreignkeys", "foreignKey"},
    TypeNames{ObjectType::Index, "Index", "indexes", "index"},
    TypeNames{ObjectType::PrimaryKey, "Primary Key", "primarykeys", "primaryKey"},
    TypeNames{ObjectType::Sequence, "Sequence", "sequences", "sequence"},
    TypeNames{ObjectType::Table, "Table", "tables", "table"},
    TypeNames{ObjectType::UniqueConstraint, "Unique Constraint", "uniqueconstraints",
              "uniqueConstraint"},
    TypeNames{ObjectType::View, "View", "views", "view"},
};

const TypeNames& names_of(ObjectType type) {
    for (const TypeNames& names : kTypes) {
        if (names.type == type)
            return names;
    }
    throw Error(ErrorKind::Internal, "internal error: unknown diff object type");
}

std::string join(const std::vector<std::string>& items, std::string_view separator = ",") {
    std::string out;
    for (const std::string& item : items)
        out += (out.empty() ? "" : std::string(separator)) + item;
    return out;
}

std::string bool_text(bool value) {
    return value ? "true" : "false";
}

std::vector<std::string> keys_of(const std::vector<std::string>& names) {
    std::vector<std::string> keys;
    for (const std::string& name : names)
        keys.push_back(name_key(name));
    return keys;
}

// Index just past the group (quotes or parentheses) that starts at `i`.
std::size_t group_end(std::string_view text, std::size_t i) {
    char open = text[i];
    if (open == '\'' || open == '"' || open == '`') {
        for (std::size_t j = i + 1; j < text.size(); ++j) {
            if (text[j] == open) {
                if (j + 1 < text.size() && text[j + 1] == open)
                    ++j;
                else
                    return j + 1;
            }
        }
        return text.size();
    }
    int depth = 0;
    for (std::size_t j = i; j < text.size(); ++j) {
        char c = text[j];
        if (c == '\'' || c == '"' || c == '`')
            j = group_end(text, j) - 1;
        else if (c == '(')
            ++depth;
        else if (c == ')' && --depth == 0)
            return j + 1;
    }
    return text.size();
}

std::string strip_parentheses(std::string text) {
    text = trim(text);
    while (text.size() >= 2 && text.front() == '(' && group_end(text, 0) == text.size())
        text = trim(std::string_view(text).substr(1, text.size() - 2));
    return text;
}

// PostgreSQL's casts of literals in stored expressions: "(0)::numeric", "'a'::text".
std::string drop_casts(const std::string& text) {
    static const std::regex cast(R"(::[a-z_]+( [a-z_]+)*(\([0-9,]*\))?(\[\])?)");
    return std::regex_replace(text, cast, "");
}

// "(0)" -> "0" where the parentheses hold one literal or name and call no function.
std::string unwrap_literals(std::string text) {
    auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; };
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '(' || (i > 0 && word(text[i - 1])))
            continue;
        std::size_t close = text.find(')', i);
        if (close == std::string::npos)
            break;
        std::string_view inner = std::string_view(text).substr(i + 1, close - i - 1);
        std::string_view body = inner.starts_with('-') ? inner.substr(1) : inner;
        bool simple = !body.empty() && std::ranges::all_of(body, [&](char c) {
            return word(c) || c == '.' || c == '\'';
        });
        if (simple) {
            text = text.substr(0, i) + std::string(inner) + text.substr(close + 1);
            i = i >= 2 ? i - 2 : static_cast<std::size_t>(-1); // look again for "((0))"
        }
    }
    return text;
}

// Lower case outside string literals, whitespace collapsed, spaces next to punctuation
// dropped: "( a >= 0 )" and "a>=0" compare equal.
std::string expression_key(std::string_view expression) {
    std::string text = strip_parentheses(collapse_spaces(expression));
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '\'') {
            std::size_t end = group_end(text, i);
            out.append(text, i, end - i);
            i = end - 1;
        } else if (c == '"' || c == '`') {
            // A quoted name is the name; quoted text that is no name stays as written (SQLite
            // takes "lower(x)" for a string, not for the expression).
            std::size_t end = group_end(text, i);
            std::string_view inner = std::string_view(text).substr(i + 1, end - i - 2);
            static const std::regex plain(R"(^[A-Za-z_][A-Za-z0-9_$]*$)");
            if (std::regex_match(inner.begin(), inner.end(), plain))
                out += to_lower(inner);
            else
                out.append(text, i, end - i);
            i = end - 1;
        } else if (c == ' ') {
            char before = out.empty() ? ' ' : out.back();
            char after = i + 1 < text.size() ? text[i + 1] : ' ';
            auto word = [](char ch) {
                return std::isalnum(static_cast<unsigned char>(ch)) != 0 || ch == '_';
            };
            if (word(before) && word(after))
                out += ' ';
        } else {
            out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
    }
    while (!out.empty() && out.back() == ';')
        out.pop_back();
    return unwrap_literals(drop_casts(out));
}

// A view's query for comparison: as expression_key, without the table qualifiers PostgreSQL
// adds when it stores a view ("SELECT child.id FROM child" = "SELECT id FROM child").
std::string view_key(std::string_view definition, const std::set<std::string>& tables) {
    std::string text = expression_key(definition);
    std::string out;
    auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; };
    for (std::size_t i = 0; i < text.size();) {
        if (text[i] == '\'') { // a string literal stays as it is
            std::size_t end = group_end(text, i);
            out.append(text, i, end - i);
            i = end;
            continue;
        }
        if (!word(text[i]) || (i > 0 && (word(text[i - 1]) || text[i - 1] == '.'))) {
            out += text[i++];
            continue;
        }
        std::size_t end = i;
        while (end < text.size() && word(text[end]))
            ++end;
        bool qualifier = end < text.size() && text[end] == '.' && end + 1 < text.size() &&
                         word(text[end + 1]) && tables.contains(text.substr(i, end - i));
        if (!qualifier)
            out.append(text, i, end - i);
        i = qualifier ? end + 1 : end;
    }
    return out;
}

std::string index_key(const Index& index) {
    std::string key;
    for (const IndexColumn& column : index.columns)
        key += expression_key(column.name) + (column.descending ? " desc" : "") + ",";
    return key;
}

std::string index_columns_text(const Index& index) {
    std::vector<std::string> parts;
    for (const IndexColumn& column : index.columns)
        parts.push_back(column.name + (column.descending ? " DESC" : ""));
    return join(parts);
}

std::string unique_key(const KeyConstraint& key) {
    std::vector<std::string> columns = keys_of(key.columns);
    std::ranges::sort(columns);
    return join(columns);
}

std::string foreign_key_key(const ForeignKey& fk) {
    return join(keys_of(fk.columns)) + "->" + name_key(fk.referenced_table);
}

bool wanted(const std::vector<ObjectType>& types, ObjectType type) {
    return types.empty() || std::ranges::find(types, type) != types.end();
}

// Pairs up two lists by a key: calls `both` for matches, `only_reference` / `only_target`
// for the rest.
template <typename T, typename Key, typename Both, typename OnlyRef, typename OnlyTarget>
void match(const std::vector<T>& reference, const std::vector<T>& target, Key key, Both both,
           OnlyRef only_reference, OnlyTarget only_target) {
    std::multimap<std::string, const T*> by_key;
    for (const T& item : target)
        by_key.emplace(key(item), &item);
    std::vector<const T*> used;
    for (const T& item : reference) {
        auto it = by_key.find(key(item));
        if (it == by_key.end()) {
            only_reference(item);
            continue;
        }
        both(item, *it->second);
        used.push_back(it->second);
        by_key.erase(it);
    }
    for (const T& item : target) {
        if (std::ranges::find(used, &item) == used.end())
            only_target(item);
    }
}

void compare_field(std::vector<FieldChange>& changes, std::string_view field,
                   const std::string& reference, const std::string& target, bool differ) {
    if (differ)
        changes.push_back({std::string(field), reference, target});
}

std::vector<FieldChange> column_changes(const Column& reference, const Column& target) {
    std::vector<FieldChange> changes;
    compare_field(changes, "type", reference.type, target.type,
                  type_key(reference.type) != type_key(target.type));
    compare_field(changes, "nullable", bool_text(reference.nullable), bool_text(target.nullable),
                  reference.nullable != target.nullable);
    bool boolean = type_key(reference.type) == "boolean";
    // An autoincrement column's default is the database's business.
    if (!reference.auto_increment || !target.auto_increment) {
        std::string ref = reference.default_value.value_or("");
        std::string tgt = target.default_value.value_or("");
        compare_field(changes, "defaultValue", ref, tgt,
                      default_key(ref, boolean) != default_key(tgt, boolean));
    }
    compare_field(changes, "autoIncrement", bool_text(reference.auto_increment),
                  bool_text(target.auto_increment),
                  reference.auto_increment != target.auto_increment);
    return changes;
}

// MySQL and MariaDB treat NO ACTION as RESTRICT (InnoDB checks at once either way), and
// report RESTRICT: between them and another database the two words mean the same.
std::string action_key(const std::string& action, bool restrict_is_no_action) {
    std::string key = to_upper(action);
    return restrict_is_no_action && key == "RESTRICT" ? "NO ACTION" : key;
}

bool mysql_family(const std::string& database) {
    std::string name = to_lower(database);
    return name == "mysql" || name == "mariadb";
}

std::vector<FieldChange> foreign_key_changes(const ForeignKey& reference, const ForeignKey& target,
                                             bool restrict_is_no_action) {
    std::vector<FieldChange> changes;
    compare_field(changes, "referencedColumns", join(reference.referenced_columns),
                  join(target.referenced_columns),
                  keys_of(reference.referenced_columns) != keys_of(target.referenced_columns));
    auto differ = [&](const std::string& a, const std::string& b) {
        return action_key(a, restrict_is_no_action) != action_key(b, restrict_is_no_action);
    };
    compare_field(changes, "onDelete", reference.on_delete, target.on_delete,
                  differ(reference.on_delete, target.on_delete));
    compare_field(changes, "onUpdate", reference.on_update, target.on_update,
                  differ(reference.on_update, target.on_update));
    compare_field(changes, "deferrable", bool_text(reference.deferrable),
                  bool_text(target.deferrable), reference.deferrable != target.deferrable);
    compare_field(changes, "initiallyDeferred", bool_text(reference.initially_deferred),
                  bool_text(target.initially_deferred),
                  reference.initially_deferred != target.initially_deferred);
    return changes;
}

std::vector<FieldChange> index_changes(const Index& reference, const Index& target) {
    std::vector<FieldChange> changes;
    compare_field(changes, "unique", bool_text(reference.unique), bool_text(target.unique),
                  reference.unique != target.unique);
    compare_field(changes, "where", reference.where, target.where,
                  expression_key(reference.where) != expression_key(target.where));
    return changes;
}

std::vector<FieldChange> sequence_changes(const Sequence& reference, const Sequence& target) {
    std::vector<FieldChange> changes;
    auto number = [&](std::string_view field, const std::string& a, const std::string& b) {
        // A side that does not say is no difference.
        compare_field(changes, field, a, b, !a.empty() && !b.empty() && a != b);
    };
    number("startValue", reference.start_value, target.start_value);
    number("incrementBy", reference.increment_by, target.increment_by);
    number("minValue", reference.min_value, target.min_value);
    number("maxValue", reference.max_value, target.max_value);
    compare_field(changes, "cycle", bool_text(reference.cycle), bool_text(target.cycle),
                  reference.cycle != target.cycle);
    return changes;
}

void compare_tables(const Table& reference, const Table& target, const DiffOptions& options,
                    SchemaDiff& diff) {
    const std::string& table = reference.name;
    const std::vector<ObjectType>& types = options.types;
    auto by_name = [](const auto& item) { return name_key(item.name); };
    if (wanted(types, ObjectType::Column)) {
        match(
            reference.columns, target.columns, by_name,
            [&](const Column& ref, const Column& tgt) {
                std::vector<FieldChange> changes = column_changes(ref, tgt);
                if (!changes.empty())
                    diff.changed_columns.push_back({table, ref, tgt, std::move(changes)});
            },
            [&](const Column& ref) {
                diff.missing_columns.push_back({table, ref});
            },
            [&](const Column& tgt) {
                diff.unexpected_columns.push_back({target.name, tgt});
            });
    }
    if (wanted(types, ObjectType::PrimaryKey)) {
        if (reference.primary_key && !target.primary_key)
            diff.missing_primary_keys.push_back({table, *reference.primary_key});
        else if (!reference.primary_key && target.primary_key)
            diff.unexpected_primary_keys.push_back({target.name, *target.primary_key});
        else if (reference.primary_key &&
                 keys_of(reference.primary_key->columns) != keys_of(target.primary_key->columns))
            diff.changed_primary_keys.push_back({table,
                                                 *reference.primary_key,
                                                 *target.primary_key,
                                                 {{"columns", join(reference.primary_key->columns),
                                                   join(target.primary_key->columns)}}});
    }
    if (wanted(types, ObjectType::ForeignKey)) {
        match(
            reference.foreign_keys, target.foreign_keys, foreign_key_key,
            [&](const ForeignKey& ref, const ForeignKey& tgt) {
                bool restrict_is_no_action =
                    mysql_family(diff.reference_database) || mysql_family(diff.target_database);
                std::vector<FieldChange> changes =
                    foreign_key_changes(ref, tgt, restrict_is_no_action);
                if (!changes.empty())
                    diff.changed_foreign_keys.push_back({table, ref, tgt, std::move(changes)});
            },
            [&](const ForeignKey& ref) {
                diff.missing_foreign_keys.push_back({table, ref});
            },
            [&](const ForeignKey& tgt) {
                diff.unexpected_foreign_keys.push_back({target.name, tgt});
            });
    }
    if (wanted(types, ObjectType::UniqueConstraint)) {
        match(
            reference.unique_constraints, target.unique_constraints, unique_key,
            [](const KeyConstraint&, const KeyConstraint&) {},
            [&](const KeyConstraint& ref) {
                diff.missing_unique_constraints.push_back({table, ref});
            },
            [&](const KeyConstraint& tgt) {
                diff.unexpected_unique_constraints.push_back({target.name, tgt});
            });
    }
    if (wanted(types, ObjectType::CheckConstraint)) {
        // By expression first; what is left pairs up by name as a changed check.
        std::vector<CheckConstraint> only_reference, only_target;
        match(
            reference.check_constraints, target.check_constraints,
            [](const CheckConstraint& c) { return expression_key(c.expression); },
            [](const CheckConstraint&, const CheckConstraint&) {},
            [&](const CheckConstraint& ref) { only_reference.push_back(ref); },
            [&](const CheckConstraint& tgt) { only_target.push_back(tgt); });
        std::size_t unnamed = 0;
        auto named = [&](const CheckConstraint& c) {
            return c.name.empty() ? "\x01" + std::to_string(unnamed++) : name_key(c.name);
        };
        match(
            only_reference, only_target, named,
            [&](const CheckConstraint& ref, const CheckConstraint& tgt) {
                diff.changed_check_constraints.push_back(
                    {table, ref, tgt, {{"expression", ref.expression, tgt.expression}}});
            },
            [&](const CheckConstraint& ref) {
                diff.missing_check_constraints.push_back({table, ref});
            },
            [&](const CheckConstraint& tgt) {
                diff.unexpected_check_constraints.push_back({target.name, tgt});
            });
    }
    if (wanted(types, ObjectType::Index)) {
        match(
            reference.indexes, target.indexes, index_key,
            [&](const Index& ref, const Index& tgt) {
                std::vector<FieldChange> changes = index_changes(ref, tgt);
                if (!changes.empty())
                    diff.changed_indexes.push_back({table, ref, tgt, std::move(changes)});
            },
            [&](const Index& ref) {
                diff.missing_indexes.push_back({table, ref});
            },
            [&](const Index& tgt) {
                diff.unexpected_indexes.push_back({target.name, tgt});
            });
    }
}

// --- filters ----------------------------------------------------------------------------

struct Filter {
    std::optional<ObjectType> type; ///< nullopt: any kind
    std::regex pattern;
};

std::optional<ObjectType> type_named(std::string_view word) {
    std::string key = to_lower(trim(word));
    std::erase(key, '_');
    std::erase(key, ' ');
    for (const TypeNames& names : kTypes) {
        std::string plural(names.diff_type);
        std::string singular = plural.ends_with("es") && plural == "indexes"
                                   ? "index"
                                   : plural.substr(0, plural.size() - 1);
        if (key == plural || key == singular)
            return names.type;
    }
    if (key == "uniqueconstraint" || key == "unique")
        return ObjectType::UniqueConstraint;
    if (key == "indices")
        return ObjectType::Index;
    return std::nullopt;
}

std::vector<Filter> parse_filters(std::string_view text, std::string_view option) {
    std::vector<Filter> filters;
    for (const std::string& item : split_list(text)) {
        Filter filter;
        std::string pattern = item;
        if (std::size_t colon = item.find(':'); colon != std::string::npos) {
            auto type = type_named(item.substr(0, colon));
            if (!type)
                throw Error(
                    ErrorKind::Usage,
                    fmt::format("--{}: '{}' names no object type", option, item.substr(0, colon)),
                    {},
                    "use table:, column:, index:, foreignkey:, primarykey:, "
                    "uniqueconstraint:, checkconstraint:, view: or sequence:");
            filter.type = type;
            pattern = trim(item.substr(colon + 1));
        }
        try {
            filter.pattern = std::regex(pattern, std::regex::icase | std::regex::ECMAScript);
        } catch (const std::regex_error& e) {
            throw Error(ErrorKind::Usage, fmt::format("--{}: '{}' is no regular expression: {}",
                                                      option, pattern, e.what()));
        }
        filters.push_back(std::move(filter));
    }
    return filters;
}

bool matches(const std::vector<Filter>& filters, ObjectType type, const std::string& name) {
    return std::ranges::any_of(filters, [&](const Filter& filter) {
        return (!filter.type || *filter.type == type) && std::regex_match(name, filter.pattern);
    });
}

// Keeps the table's objects `keep` says yes to; returns whether any is left.
template <typename T, typename Keep> bool keep_only(std::vector<T>& items, Keep keep) {
    std::erase_if(items, [&](const T& item) { return !keep(item); });
    return !items.empty();
}

std::string key_name(const KeyConstraint& key) {
    return key.name.empty() ? join(key.columns) : key.name;
}

// Writes a JSON string.
std::string quote(std::string_view text) {
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
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            if (static_cast<unsigned char>(c) < 0x20)
                out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
            else
                out += c;
        }
    }
    return out + "\"";
}

std::string quote_list(const std::vector<std::string>& items) {
    std::string out = "[";
    for (const std::string& item : items)
        out += (out.size() > 1 ? "," : "") + quote(item);
    return out + "]";
}

// One object in the report: its kind, table, name and describing fields (JSON members).
struct Entry {
    ObjectType type;
    std::string table;
    std::string name;
    std::string json_fields; ///< ",\"columns\":[...]" ...
    std::vector<FieldChange> changes;
};

std::string text_name(const Entry& entry) {
    return entry.table.empty() ? entry.name : entry.table + "." + entry.name;
}

Entry column_entry(const std::string& table, const Column& column) {
    return {ObjectType::Column,
            table,
            column.name,
            fmt::format(",\"dataType\":{},\"nullable\":{}", quote(column.type),
                        bool_text(column.nullable)),
            {}};
}

Entry key_entry(ObjectType type, const std::string& table, const KeyConstraint& key) {
    return {type, table, key_name(key), ",\"columns\":" + quote_list(key.columns), {}};
}

Entry fk_entry(const std::string& table, const ForeignKey& fk) {
    std::string name = fk.name.empty() ? "(unnamed)" : fk.name;
    return {ObjectType::ForeignKey,
            table,
            name + "(" + join(fk.columns) + ") -> " + fk.referenced_table + "(" +
                join(fk.referenced_columns) + ")",
            ",\"columns\":" + quote_list(fk.columns) +
                ",\"referencedTable\":" + quote(fk.referenced_table) +
                ",\"referencedColumns\":" + quote_list(fk.referenced_columns),
            {}};
}

Entry check_entry(const std::string& table, const CheckConstraint& check) {
    return {ObjectType::CheckConstraint,
            table,
            check.name.empty() ? "CHECK (" + check.expression + ")" : check.name,
            ",\"expression\":" + quote(check.expression),
            {}};
}

Entry index_entry(const std::string& table, const Index& index) {
    std::vector<std::string> columns;
    for (const IndexColumn& column : index.columns)
        columns.push_back(column.name + (column.descending ? " DESC" : ""));
    return {ObjectType::Index,
            table,
            (index.name.empty() ? std::string("(unnamed)") : index.name) + "(" +
                index_columns_text(index) + ")",
            ",\"columns\":" + quote_list(columns) + ",\"unique\":" + bool_text(index.unique),
            {}};
}

struct Entries {
    std::vector<Entry> missing, unexpected, changed;
};

Entries entries_of(const SchemaDiff& diff) {
    Entries out;
    for (const auto& item : diff.missing_check_constraints)
        out.missing.push_back(check_entry(item.table, item.object));
    for (const auto& item : diff.unexpected_check_constraints)
        out.unexpected.push_back(check_entry(item.table, item.object));
    for (const auto& item : diff.changed_check_constraints) {
        Entry entry = check_entry(item.table, item.reference);
        entry.changes = item.changes;
        out.changed.push_back(std::move(entry));
    }
    for (const auto& item : diff.missing_columns)
        out.missing.push_back(column_entry(item.table, item.object));
    for (const auto& item : diff.unexpected_columns)
        out.unexpected.push_back(column_entry(item.table, item.object));
    for (const auto& item : diff.changed_columns) {
        Entry entry = column_entry(item.table, item.reference);
        entry.changes = item.changes;
        out.changed.push_back(std::move(entry));
    }
    for (const auto& item : diff.missing_foreign_keys)
        out.missing.push_back(fk_entry(item.table, item.object));
    for (const auto& item : diff.unexpected_foreign_keys)
        out.unexpected.push_back(fk_entry(item.table, item.object));
    for (const auto& item : diff.changed_foreign_keys) {
        Entry entry = fk_entry(item.table, item.reference);
        entry.changes = item.changes;
        out.changed.push_back(std::move(entry));
    }
    for (const auto& item : diff.missing_indexes)
        out.missing.push_back(index_entry(item.table, item.object));
    for (const auto& item : diff.unexpected_indexes)
        out.unexpected.push_back(index_entry(item.table, item.object));
    for (const auto& item : diff.changed_indexes) {
        Entry entry = index_entry(item.table, item.reference);
        entry.changes = item.changes;
        out.changed.push_back(std::move(entry));
    }
    for (const auto& item : diff.missing_primary_keys)
        out.missing.push_back(key_entry(ObjectType::PrimaryKey, item.table, item.object));
    for (const auto& item : diff.unexpected_primary_keys)
        out.unexpected.push_back(key_entry(ObjectType::PrimaryKey, item.table, item.object));
    for (const auto& item : diff.changed_primary_keys) {
        Entry entry = key_entry(ObjectType::PrimaryKey, item.table, item.reference);
        entry.changes = item.changes;
        out.changed.push_back(std::move(entry));
    }
    auto sequence_entry = [](const Sequence& sequence) {
        return Entry{ObjectType::Sequence, "", sequence.name, "", {}};
    };
    for (const Sequence& sequence : diff.missing_sequences)
        out.missing.push_back(sequence_entry(sequence));
    for (const Sequence& sequence : diff.unexpected_sequences)
        out.unexpected.push_back(sequence_entry(sequence));
    for (const auto& item : diff.changed_sequences) {
        Entry entry = sequence_entry(item.reference);
        entry.changes = item.changes;
        out.changed.push_back(std::move(entry));
    }
    auto table_entry = [](const Table& table) {
        return Entry{ObjectType::Table, "", table.name, "", {}};
    };
    for (const Table& table : diff.missing_tables)
        out.missing.push_back(table_entry(table));
    for (const Table& table : diff.unexpected_tables)
        out.unexpected.push_back(table_entry(table));
    for (const auto& item : diff.missing_unique_constraints)
        out.missing.push_back(key_entry(ObjectType::UniqueConstraint, item.table, item.object));
    for (const auto& item : diff.unexpected_unique_constraints)
        out.unexpected.push_back(key_entry(ObjectType::UniqueConstraint, item.table, item.object));
    auto view_entry = [](const View& view) {
        return Entry{ObjectType::View, "", view.name, "", {}};
    };
    for (const View& view : diff.missing_views)
        out.missing.push_back(view_entry(view));
    for (const View& view : diff.unexpected_views)
        out.unexpected.push_back(view_entry(view));
    for (const auto& item : diff.changed_views) {
        Entry entry = view_entry(item.reference);
        entry.changes = item.changes;
        out.changed.push_back(std::move(entry));
    }
    return out;
}

std::string side_json(std::string_view label, const std::string& database,
                      const std::string& version, const std::string& schema) {
    return fmt::format("{{\"label\":{},\"database\":{},\"version\":{},\"schema\":{}}}",
                       quote(label), quote(database), quote(version), quote(schema));
}

std::string entry_json(const Entry& entry, bool with_changes) {
    std::string out = "{\"type\":" + quote(names_of(entry.type).json);
    if (!entry.table.empty())
        out += ",\"table\":" + quote(entry.table);
    out += ",\"name\":" + quote(entry.name) + entry.json_fields;
    if (with_changes) {
        out += ",\"changes\":[";
        bool first = true;
        for (const FieldChange& change : entry.changes) {
            out +=
                fmt::format("{}{{\"field\":{},\"reference\":{},\"target\":{}}}", first ? "" : ",",
                            quote(change.field), quote(change.reference), quote(change.target));
            first = false;
        }
        out += "]";
    }
    return out + "}";
}

} // namespace

std::string_view display_name(ObjectType type) {
    return names_of(type).display;
}

std::string_view diff_type_name(ObjectType type) {
    return names_of(type).diff_type;
}

std::vector<ObjectType> parse_diff_types(std::string_view list) {
    // Liquibase's types that strata's model holds nothing for: accepted, select nothing.
    static const char* kOtherLiquibaseTypes[] = {"catalog",
                                                 "catalogs",
                                                 "schema",
                                                 "schemas",
                                                 "data",
                                                 "storedprocedure",
                                                 "storedprocedures",
                                                 "trigger",
                                                 "triggers",
                                                 "function",
                                                 "functions",
                                                 "synonym",
                                                 "synonyms",
                                                 "package",
                                                 "packages",
                                                 "packagebody",
                                                 "packagebodies",
                                                 "databasepackage",
                                                 "databasepackagebody"};
    std::vector<ObjectType> types;
    for (const std::string& item : split_list(list)) {
        if (auto type = type_named(item)) {
            if (std::ranges::find(types, *type) == types.end())
                types.push_back(*type);
            continue;
        }
        std::string key = to_lower(item);
        if (std::ranges::any_of(kOtherLiquibaseTypes,
                                [&](const char* other) { return key == other; }))
            continue;
        std::vector<std::string> known;
        for (const TypeNames& names : kTypes)
            known.emplace_back(names.diff_type);
        throw Error(ErrorKind::Usage, fmt::format("--diff-types: unknown type '{}'", item), {},
                    "use a comma-separated list of " + join(known, ", "));
    }
    if (types.empty() && !split_list(list).empty())
        throw Error(ErrorKind::Usage,
                    fmt::format("--diff-types={}: strata compares none of these", list), {},
                    "name at least one of tables, columns, indexes, foreignkeys, primarykeys, "
                    "uniqueconstraints, checkconstraints, views, sequences");
    return types;
}

namespace {

// Whether the filter takes a table as a whole (then it is listed when missing or
// unexpected), and whether it names objects inside tables (then a table it does not take
// stays as a shell holding those objects).
struct TableFilter {
    std::vector<Filter> include, exclude;

    explicit TableFilter(const ObjectFilter& filter)
        : include(parse_filters(filter.include_objects, "include-objects")),
          exclude(parse_filters(filter.exclude_objects, "exclude-objects")) {}

    [[nodiscard]] bool active() const { return !include.empty() || !exclude.empty(); }

    // A table-owned object is in when it or its table is included, and neither is excluded.
    [[nodiscard]] bool in(ObjectType type, const std::string& name,
                          const std::string& table) const {
        bool table_excluded = !table.empty() && matches(exclude, ObjectType::Table, table);
        if (table_excluded || matches(exclude, type, name))
            return false;
        if (include.empty())
            return true;
        return matches(include, type, name) ||
               (!table.empty() && matches(include, ObjectType::Table, table));
    }

    [[nodiscard]] bool whole_table(const std::string& name) const {
        return in(ObjectType::Table, name, "");
    }

    [[nodiscard]] bool names_table_objects() const {
        return std::ranges::any_of(include, [](const Filter& filter) {
            return filter.type && *filter.type != ObjectType::Table &&
                   *filter.type != ObjectType::View && *filter.type != ObjectType::Sequence;
        });
    }
};

} // namespace

void filter_schema(Schema& schema, const ObjectFilter& filter) {
    TableFilter tables(filter);
    if (!tables.active())
        return;
    auto in = [&](ObjectType type, const std::string& name, const std::string& table) {
        return tables.in(type, name, table);
    };
    bool shells = tables.names_table_objects();
    std::erase_if(schema.tables, [&](Table& table) {
        if (matches(tables.exclude, ObjectType::Table, table.name))
            return true;
        bool whole = tables.whole_table(table.name);
        const std::string& name = table.name;
        keep_only(table.columns,
                  [&](const Column& c) { return in(ObjectType::Column, c.name, name); });
        if (table.primary_key && !in(ObjectType::PrimaryKey, table.primary_key->name, name))
            table.primary_key.reset();
        keep_only(table.foreign_keys,
                  [&](const ForeignKey& fk) { return in(ObjectType::ForeignKey, fk.name, name); });
        keep_only(table.unique_constraints, [&](const KeyConstraint& key) {
            return in(ObjectType::UniqueConstraint, key.name, name);
        });
        keep_only(table.check_constraints, [&](const CheckConstraint& check) {
            return in(ObjectType::CheckConstraint, check.name, name);
        });
        keep_only(table.indexes,
                  [&](const Index& index) { return in(ObjectType::Index, index.name, name); });
        return !whole && !shells;
    });
    std::erase_if(schema.views,
                  [&](const View& view) { return !in(ObjectType::View, view.name, ""); });
    std::erase_if(schema.sequences, [&](const Sequence& sequence) {
        return !in(ObjectType::Sequence, sequence.name, "");
    });
}

bool SchemaDiff::empty() const {
    return missing_tables.empty() && unexpected_tables.empty() && missing_columns.empty() &&
           unexpected_columns.empty() && changed_columns.empty() && missing_primary_keys.empty() &&
           unexpected_primary_keys.empty() && changed_primary_keys.empty() &&
           missing_foreign_keys.empty() && unexpected_foreign_keys.empty() &&
           changed_foreign_keys.empty() && missing_unique_constraints.empty() &&
           unexpected_unique_constraints.empty() && missing_check_constraints.empty() &&
           unexpected_check_constraints.empty() && changed_check_constraints.empty() &&
           missing_indexes.empty() && unexpected_indexes.empty() && changed_indexes.empty() &&
           missing_views.empty() && unexpected_views.empty() && changed_views.empty() &&
           missing_sequences.empty() && unexpected_sequences.empty() && changed_sequences.empty();
}

SchemaDiff diff_schemas(const Schema& reference_schema, const Schema& target_schema,
                        const DiffOptions& options) {
    Schema reference = reference_schema, target = target_schema;
    filter_schema(reference, options.filter);
    filter_schema(target, options.filter);
    SchemaDiff diff;
    diff.reference_database = reference.database;
    diff.target_database = target.database;
    diff.reference_version = reference.database_version;
    diff.target_version = target.database_version;
    diff.reference_schema = reference.name;
    diff.target_schema = target.name;
    const std::vector<ObjectType>& types = options.types;
    auto by_name = [](const auto& item) { return name_key(item.name); };

    // A table the filter keeps only as a shell for the objects it names is compared with an
    // empty table of its name when the other side lacks it: its objects are what differs.
    TableFilter filter(options.filter);
    auto shell_of = [](const Table& table) {
        Table shell;
        shell.name = table.name;
        return shell;
    };
    match(
        reference.tables, target.tables, by_name,
        [&](const Table& ref, const Table& tgt) { compare_tables(ref, tgt, options, diff); },
        [&](const Table& ref) {
            if (!filter.whole_table(ref.name))
                compare_tables(ref, shell_of(ref), options, diff);
            else if (wanted(types, ObjectType::Table))
                diff.missing_tables.push_back(ref);
        },
        [&](const Table& tgt) {
            if (!filter.whole_table(tgt.name))
                compare_tables(shell_of(tgt), tgt, options, diff);
            else if (wanted(types, ObjectType::Table))
                diff.unexpected_tables.push_back(tgt);
        });
    if (wanted(types, ObjectType::View)) {
        std::set<std::string> tables;
        for (const Schema* side : {&reference, &target}) {
            for (const Table& table : side->tables)
                tables.insert(name_key(table.name));
        }
        match(
            reference.views, target.views, by_name,
            [&](const View& ref, const View& tgt) {
                if (view_key(ref.definition, tables) != view_key(tgt.definition, tables))
                    diff.changed_views.push_back(
                        {"", ref, tgt, {{"definition", ref.definition, tgt.definition}}});
            },
            [&](const View& ref) { diff.missing_views.push_back(ref); },
            [&](const View& tgt) { diff.unexpected_views.push_back(tgt); });
    }
    if (wanted(types, ObjectType::Sequence)) {
        match(
            reference.sequences, target.sequences, by_name,
            [&](const Sequence& ref, const Sequence& tgt) {
                std::vector<FieldChange> changes = sequence_changes(ref, tgt);
                if (!changes.empty())
                    diff.changed_sequences.push_back({"", ref, tgt, std::move(changes)});
            },
            [&](const Sequence& ref) { diff.missing_sequences.push_back(ref); },
            [&](const Sequence& tgt) { diff.unexpected_sequences.push_back(tgt); });
    }
    return diff;
}

std::string diff_text(const SchemaDiff& diff, std::string_view reference_label,
                      std::string_view target_label, const std::vector<ObjectType>& types) {
    std::string out = "Diff Results:\n";
    out += fmt::format("Reference Database: {}\n", reference_label);
    out += fmt::format("Comparison Database: {}\n", target_label);
    out += fmt::format("Compared Schemas: {} -> {}\n", diff.reference_schema, diff.target_schema);
    auto pair = [&](std::string_view what, const std::string& reference,
                    const std::string& target) {
        if (to_lower(reference) == to_lower(target))
            out += fmt::format("{}: EQUAL\n", what);
        else
            out += fmt::format("{}:\n     Reference:   '{}'\n     Target: '{}'\n", what, reference,
                               target);
    };
    pair("Product Name", diff.reference_database, diff.target_database);
    pair("Product Version", diff.reference_version, diff.target_version);
    Entries entries = entries_of(diff);
    for (const TypeNames& names : kTypes) {
        if (!wanted(types, names.type))
            continue;
        auto block = [&](std::string_view heading, const std::vector<Entry>& list, bool changed) {
            std::string lines;
            for (const Entry& entry : list) {
                if (entry.type != names.type)
                    continue;
                lines += "     " + text_name(entry) + "\n";
                for (const FieldChange& change : entry.changes)
                    lines += fmt::format("          {} changed from '{}' to '{}'\n", change.field,
                                         change.target, change.reference);
            }
            (void)changed;
            out += fmt::format("{} {}(s):{}", heading, names.display,
                               lines.empty() ? " NONE\n" : " \n" + lines);
        };
        block("Missing", entries.missing, false);
        block("Unexpected", entries.unexpected, false);
        block("Changed", entries.changed, true);
    }
    return out;
}

std::string diff_json(const SchemaDiff& diff, std::string_view reference_label,
                      std::string_view target_label) {
    Entries entries = entries_of(diff);
    auto list = [](const std::vector<Entry>& items, bool with_changes) {
        std::string out = "[";
        for (const Entry& entry : items)
            out += (out.size() > 1 ? ",\n    " : "\n    ") + entry_json(entry, with_changes);
        return out + (items.empty() ? "]" : "\n  ]");
    };
    return fmt::format(
        "{{\n  \"reference\": {},\n  \"target\": {},\n  \"identical\": {},\n  "
        "\"missing\": {},\n  \"unexpected\": {},\n  \"changed\": {}\n}}\n",
        side_json(reference_label, diff.reference_database, diff.reference_version,
                  diff.reference_schema),
        side_json(target_label, diff.target_database, diff.target_version, diff.target_schema),
        bool_text(diff.empty()), list(entries.missing, false), list(entries.unexpected, false),
        list(entries.changed, true));
}

std::string name_key(std::string_view name) {
    return to_lower(name);
}

std::string type_key(std::string_view type) {
    std::string text = to_lower(trim(type));
    std::string base = text, params;
    if (std::size_t open = text.find('('); open != std::string::npos) {
        base = trim(text.substr(0, open));
        params = text.substr(open);
    }
    base = collapse_spaces(base);
    std::erase(params, ' ');
    static const std::map<std::string, std::string, std::less<>> kAliases = {
        {"integer", "int"},
        {"int4", "int"},
        {"serial", "int"},
        {"int8", "bigint"},
        {"bigserial", "bigint"},
        {"int2", "smallint"},
        {"bool", "boolean"},
        {"numeric", "decimal"},
        {"character varying", "varchar"},
        {"character", "char"},
        {"double precision", "double"},
        {"float8", "double"},
        {"float4", "float"},
        {"real", "float"},
        {"datetime", "timestamp"},
        {"timestamp without time zone", "timestamp"},
        {"timestamptz", "timestamp with time zone"},
        {"time without time zone", "time"},
        {"bpchar", "char"},
        {"bytea", "blob"},
    };
    if (auto it = kAliases.find(base); it != kAliases.end())
        base = it->second;
    if (base == "int" || base == "bigint" || base == "smallint" || base == "tinyint")
        params.clear(); // display widths
    return base + params;
}

std::string default_key(std::string_view value, bool boolean_column) {
    std::string text = strip_parentheses(std::string(value));
    if (text.empty())
        return text;
    if (boolean_column) {
        std::string lower = to_lower(text);
        if (lower == "1" || lower == "true" || lower == "'t'" || lower == "'true'" ||
            lower == "b'1'")
            return "TRUE";
        if (lower == "0" || lower == "false" || lower == "'f'" || lower == "'false'" ||
            lower == "b'0'")
            return "FALSE";
    }
    // A number, however many zeros the database keeps: 0.00 = 0, 1.50 = 1.5, +3 = 3.
    static const std::regex decimal(R"(^([-+]?)0*(\d*)(\.(\d*?)0*)?$)");
    std::smatch parts;
    if (std::regex_match(text, parts, decimal) &&
        (parts[2].length() > 0 || parts[3].length() > 1)) {
        std::string whole = parts[2].length() > 0 ? parts[2].str() : "0";
        std::string fraction = parts[4].str();
        std::string sign = parts[1].str() == "-" && (whole != "0" || !fraction.empty()) ? "-" : "";
        return sign + whole + (fraction.empty() ? "" : "." + fraction);
    }
    std::string key = expression_key(text);
    // The current time, however the database spells it.
    if (key == "now()" || key == "current_timestamp()" || key == "localtimestamp" ||
        key == "localtimestamp()")
        return "current_timestamp";
    return key;
}

} // namespace strata::diff
