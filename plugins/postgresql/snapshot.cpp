// SPDX-License-Identifier: Apache-2.0
// The schema snapshot from pg_catalog: PostgreSQL prints its own definitions (format_type,
// pg_get_expr, pg_get_constraintdef, pg_get_indexdef, pg_get_viewdef), and this file only
// maps them into the portable model, one query per object kind for the whole schema.
#include "postgresql_dialect_class.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <map>
#include <optional>
#include <regex>
#include <strata/error.hpp>
#include <strata/snapshot.hpp>
#include <strata/text.hpp>
#include <string>
#include <vector>

namespace strata::dialect::postgresql {

namespace {

std::string text(const std::optional<std::string>& value) {
    return value.value_or("");
}

// A boolean column as the connection hands it over ("t", "true" or "1").
bool flag(const std::optional<std::string>& value) {
    return is_truthy(value);
}

// Whether `text` is one parenthesised expression: "(a > 0)" is, "(a) + (b)" is not.
bool wrapped_in_parentheses(std::string_view text) {
    if (text.size() < 2 || text.front() != '(' || text.back() != ')')
        return false;
    int depth = 0;
    bool quoted = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '\'')
            quoted = !quoted;
        if (quoted)
            continue;
        if (c == '(')
            ++depth;
        else if (c == ')' && --depth == 0 && i + 1 != text.size())
            return false;
    }
    return depth == 0;
}

// "((price >= 0))" is "price >= 0".
std::string strip_outer_parentheses(std::string expression) {
    expression = trim(expression);
    while (wrapped_in_parentheses(expression))
        expression = trim(std::string_view(expression).substr(1, expression.size() - 2));
    return expression;
}

bool numeric_type(const std::string& portable) {
    return portable == "int" || portable == "bigint" || portable == "smallint" ||
           portable.starts_with("decimal") || portable.starts_with("double") ||
           portable.starts_with("float");
}

// pg_get_expr's default as the model writes it: a literal loses its cast ('abc'::character
// varying is 'abc', '-1'::integer is -1), booleans are TRUE/FALSE, now() is
// CURRENT_TIMESTAMP (the same value in PostgreSQL: the transaction's start), a NULL default
// is none.
std::optional<std::string> normalize_default(std::string expression, const std::string& portable) {
    static const std::regex kCastLiteral(
        R"(^('(?:[^']|'')*')(?:::[A-Za-z_"][A-Za-z0-9_ ."]*(?:\([0-9, ]*\))?(?:\[\])*)+$)");
    static const std::regex kCastNull(
        R"(^NULL(?:::[A-Za-z_"][A-Za-z0-9_ ."]*(?:\([0-9, ]*\))?(?:\[\])*)*$)");
    static const std::regex kNumber(R"(^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$)");
    expression = trim(expression);
    if (std::regex_match(expression, kCastNull))
        return std::nullopt;
    std::smatch match;
    if (std::regex_match(expression, match, kCastLiteral)) {
        expression = match[1].str();
        std::string inner = expression.substr(1, expression.size() - 2);
        if (numeric_type(portable) && std::regex_match(inner, kNumber))
            expression = inner;
    }
    std::string lower = to_lower(expression);
    if (portable == "boolean" && (lower == "true" || lower == "false"))
        return to_upper(lower);
    if (lower == "now()")
        return "CURRENT_TIMESTAMP";
    return expression;
}

std::string referential_action(const std::optional<std::string>& code) {
    switch (text(code).empty() ? 'a' : text(code)[0]) {
    case 'r':
        return "RESTRICT";
    case 'c':
        return "CASCADE";
    case 'n':
        return "SET NULL";
    case 'd':
        return "SET DEFAULT";
    default:
        return "NO ACTION";
    }
}

} // namespace

snapshot::Schema PostgresDialect::snapshot(Connection& connection,
                                           const snapshot::SnapshotScope& scope) const {
    auto rows = [&](const std::string& sql) { return connection.query(sql).rows; };
    snapshot::Schema schema;
    schema.database = name();
    {
        auto found = rows("SELECT current_setting('server_version'), current_schema()");
        if (!found.empty()) {
            schema.database_version = text(found[0][0]);
            schema.name = text(found[0][1]);
        }
    }
    if (!scope.schema.empty())
        schema.name = stored_name(scope.schema);
    if (schema.name.empty())
        throw Error(ErrorKind::Usage, "PostgreSQL has no current schema to snapshot", {},
                    "name one: set the search_path or the URL's currentSchema");
    const std::string in_schema = "n.nspname = " + quote_literal(schema.name);
    // Tables and partitioned tables, partitions left out (they belong to their parent).
    const std::string table_filter =
        in_schema + " AND t.relkind IN ('r', 'p') AND NOT t.relispartition";

    std::map<std::string, std::size_t> table_at;
    for (const Row& row :
         rows(fmt::format("SELECT t.relname, obj_description(t.oid, 'pg_class') FROM pg_class t "
                          "JOIN pg_namespace n ON n.oid = t.relnamespace WHERE {} "
                          "ORDER BY t.relname",
                          table_filter))) {
        snapshot::Table table;
        table.name = text(row[0]);
        table.comment = text(row[1]);
        table_at[table.name] = schema.tables.size();
        schema.tables.push_back(std::move(table));
    }
    auto table_named = [&](const std::optional<std::string>& name) -> snapshot::Table* {
        auto it = table_at.find(text(name));
        return it == table_at.end() ? nullptr : &schema.tables[it->second];
    };

    // Columns in table order. A serial column is one whose default draws from the sequence
    // it owns; an identity column has attidentity; both are auto-increment without default.
    for (const Row& row : rows(fmt::format(
             "SELECT t.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, "
             "pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated, "
             "col_description(t.oid, a.attnum), "
             "pg_get_serial_sequence(quote_ident(n.nspname) || '.' || quote_ident(t.relname), "
             "a.attname) "
             "FROM pg_attribute a JOIN pg_class t ON t.oid = a.attrelid "
             "JOIN pg_namespace n ON n.oid = t.relnamespace "
             "LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
             "WHERE {} AND a.attnum > 0 AND NOT a.attisdropped ORDER BY t.relname, a.attnum",
             table_filter))) {
        snapshot::Table* table = table_named(row[0]);
        if (table == nullptr)
            continue;
        snapshot::Column column;
        column.name = text(row[1]);
        column.native_type = text(row[2]);
        column.type = snapshot::portable_type(column.native_type);
        column.nullable = !flag(row[3]);
        column.comment = text(row[7]);
        bool identity = !text(row[5]).empty();
        bool serial = row[4] && row[8] && to_lower(trim(*row[4])).starts_with("nextval(");
        // A generated column's expression is no default (the model has no place for it).
        bool generated = !text(row[6]).empty();
        column.auto_increment = identity || serial;
        if (row[4] && !column.auto_increment && !generated)
            column.default_value = normalize_default(*row[4], column.type);
        table->columns.push_back(std::move(column));
    }

    // Constraints with their columns in key order (a foreign key's referenced columns beside
    // them).
    struct Key {
        std::vector<std::string> columns;
        std::vector<std::string> referenced;
    };
    std::map<std::pair<std::string, std::string>, Key> keys;
    for (const Row& row : rows(fmt::format(
             "SELECT t.relname, c.conname, a.attname, ra.attname FROM pg_constraint c "
             "JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = "
             "t.relnamespace "
             "CROSS JOIN LATERAL unnest(c.conkey, c.confkey) WITH ORDINALITY AS k(attnum, "
             "fattnum, position) "
             "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum "
             "LEFT JOIN pg_attribute ra ON ra.attrelid = c.confrelid AND ra.attnum = k.fattnum "
             "WHERE {} AND c.contype IN ('p', 'u', 'f') ORDER BY t.relname, c.conname, "
             "k.position",
             table_filter))) {
        Key& key = keys[{text(row[0]), text(row[1])}];
        key.columns.push_back(text(row[2]));
        if (row[3])
            key.referenced.push_back(*row[3]);
    }
    for (const Row& row : rows(fmt::format(
             "SELECT t.relname, c.conname, c.contype, rt.relname, c.confdeltype, c.confupdtype, "
             "c.condeferrable, c.condeferred, pg_get_constraintdef(c.oid) FROM pg_constraint c "
             "JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = "
             "t.relnamespace "
             "LEFT JOIN pg_class rt ON rt.oid = c.confrelid "
             "WHERE {} AND c.contype IN ('p', 'u', 'f', 'c') ORDER BY t.relname, c.conname",
             table_filter))) {
        snapshot::Table* table = table_named(row[0]);
        if (table == nullptr)
            continue;
        std::string constraint = text(row[1]);
        const Key& key = keys[{table->name, constraint}];
        switch (text(row[2]).empty() ? ' ' : text(row[2])[0]) {
        case 'p':
            table->primary_key = snapshot::KeyConstraint{constraint, key.columns};
            break;
        case 'u':
            table->unique_constraints.push_back({constraint, key.columns});
            break;
        case 'f': {
            snapshot::ForeignKey foreign_key;
            foreign_key.name = constraint;
            foreign_key.columns = key.columns;
            foreign_key.referenced_table = text(row[3]);
            foreign_key.referenced_columns = key.referenced;
            foreign_key.on_delete = referential_action(row[4]);
            foreign_key.on_update = referential_action(row[5]);
            foreign_key.deferrable = flag(row[6]);
            foreign_key.initially_deferred = flag(row[7]);
            table->foreign_keys.push_back(std::move(foreign_key));
            break;
        }
        case 'c': {
            // "CHECK ((price > 0))", with " NO INHERIT" and " NOT VALID" after it when the
            // check has those properties (the model has no place for them).
            std::string definition = trim(text(row[8]));
            for (std::string_view suffix : {" NOT VALID", " NO INHERIT"})
                if (definition.ends_with(suffix))
                    definition.resize(definition.size() - suffix.size());
            if (to_upper(definition.substr(0, 5)) == "CHECK")
                definition = definition.substr(5);
            table->check_constraints.push_back({constraint, strip_outer_parentheses(definition)});
            break;
        }
        default:
            break;
        }
    }

    // Indexes the user created: not those behind a primary key, unique or exclusion
    // constraint of the table (a foreign key's conindid names the referenced table's index,
    // hence the conrelid test). Key columns only (INCLUDE columns are no key); a column is
    // named by attname, an expression as pg_get_indexdef prints it.
    std::map<std::pair<std::string, std::string>, std::size_t> index_at;
    for (const Row& row : rows(fmt::format(
             "SELECT t.relname, i.relname, x.indisunique, pg_get_expr(x.indpred, x.indrelid), "
             "CASE WHEN x.indkey[k.n - 1] <> 0 THEN a.attname ELSE pg_get_indexdef(x.indexrelid, "
             "k.n, true) END, (x.indoption[k.n - 1] & 1) = 1 "
             "FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
             "JOIN pg_class t ON t.oid = x.indrelid JOIN pg_namespace n ON n.oid = "
             "t.relnamespace "
             "CROSS JOIN LATERAL generate_series(1, x.indnkeyatts) AS k(n) "
             "LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = x.indkey[k.n - 1] "
             "WHERE {} AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = "
             "x.indexrelid AND c.conrelid = x.indrelid AND c.contype IN ('p', 'u', 'x')) "
             "ORDER BY t.relname, i.relname, k.n",
             table_filter))) {
        snapshot::Table* table = table_named(row[0]);
        if (table == nullptr)
            continue;
        auto key = std::make_pair(table->name, text(row[1]));
        auto it = index_at.find(key);
        if (it == index_at.end()) {
            snapshot::Index index;
            index.name = text(row[1]);
            index.unique = flag(row[2]);
            if (row[3])
                index.where = strip_outer_parentheses(*row[3]);
            it = index_at.emplace(key, table->indexes.size()).first;
            table->indexes.push_back(std::move(index));
        }
        table->indexes[it->second].columns.push_back({text(row[4]), flag(row[5])});
    }

    // Views: pg_get_viewdef's SELECT, without the blank around it and the final ';'.
    for (const Row& row : rows(fmt::format(
             "SELECT t.relname, pg_get_viewdef(t.oid, true) FROM pg_class t JOIN pg_namespace n "
             "ON n.oid = t.relnamespace WHERE {} AND t.relkind = 'v'",
             in_schema))) {
        std::string definition = trim(text(row[1]));
        if (definition.ends_with(';'))
            definition = trim(std::string_view(definition).substr(0, definition.size() - 1));
        schema.views.push_back({text(row[0]), std::move(definition)});
    }

    // Sequences, except those a serial or identity column owns (pg_depend 'a' or 'i'): they
    // are the column's auto-increment.
    for (const Row& row : rows(fmt::format(
             "SELECT t.relname, s.seqstart, s.seqincrement, s.seqmin, s.seqmax, s.seqcycle "
             "FROM pg_sequence s JOIN pg_class t ON t.oid = s.seqrelid JOIN pg_namespace n ON "
             "n.oid = t.relnamespace WHERE {} AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE "
             "d.classid = 'pg_class'::regclass AND d.objid = t.oid AND d.refclassid = "
             "'pg_class'::regclass AND d.deptype IN ('a', 'i'))",
             in_schema))) {
        snapshot::Sequence sequence;
        sequence.name = text(row[0]);
        sequence.start_value = text(row[1]);
        sequence.increment_by = text(row[2]);
        sequence.min_value = text(row[3]);
        sequence.max_value = text(row[4]);
        sequence.cycle = flag(row[5]);
        schema.sequences.push_back(std::move(sequence));
    }

    schema.normalize();
    return schema;
}

} // namespace strata::dialect::postgresql
