// SPDX-License-Identifier: Apache-2.0
// The schema snapshot from information_schema, one query per object kind for the whole
// database, mapped into the portable model.
//
// Unique keys: MariaDB and MySQL have no UNIQUE constraint apart from its index —
// `CONSTRAINT u UNIQUE (a)`, `UNIQUE KEY u (a)` and `CREATE UNIQUE INDEX u ON t (a)` leave
// the same catalog rows, and TABLE_CONSTRAINTS lists each as a UNIQUE constraint. So every
// unique index is reported as a unique constraint, and `indexes` holds the non-unique ones
// only (the model leaves out indexes that back a constraint). Liquibase reports such a key as
// a UniqueConstraint plus its backing Index; the constraint is what both have in common, and
// what a PostgreSQL UNIQUE constraint of the same columns compares equal with. Likewise the
// index InnoDB adds for a foreign key is the constraint's, not listed.
#include "mysql_dialect_class.hpp"

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

namespace strata::dialect::mysql {

namespace {

std::string text(const std::optional<std::string>& value) {
    return value.value_or("");
}

bool numeric_type(const std::string& portable) {
    return portable == "int" || portable == "bigint" || portable == "smallint" ||
           portable.starts_with("decimal") || portable.starts_with("double") ||
           portable.starts_with("float") || portable.starts_with("tinyint") ||
           portable.starts_with("mediumint");
}

// COLUMN_DEFAULT as the model writes it. MariaDB 10.2.7+ writes a string literal quoted
// ('abc'), an expression as written (current_timestamp()), a number bare, and "no default"
// as NULL (the bare word, while the string 'NULL' comes quoted). MySQL writes literals
// unquoted: a default that is no number, function or keyword is then quoted here.
std::optional<std::string> normalize_default(const std::optional<std::string>& value,
                                             const std::string& portable, bool mariadb) {
    if (!value)
        return std::nullopt;
    std::string expression = *value;
    std::string lower = to_lower(trim(expression));
    if (lower == "null")
        return std::nullopt;
    // current_timestamp() and NOW() as the SQL keyword, a precision kept:
    // current_timestamp(3) is CURRENT_TIMESTAMP(3), as PostgreSQL prints it.
    static const std::regex kNow(R"(^(current_timestamp|now)(\(\s*([0-9]*)\s*\))?$)");
    std::smatch now;
    if (std::regex_match(lower, now, kNow))
        return now[3].length() > 0 ? "CURRENT_TIMESTAMP(" + now[3].str() + ")"
                                   : std::string("CURRENT_TIMESTAMP");
    if (portable == "boolean") {
        if (lower == "1" || lower == "'1'" || lower == "true" || lower == "b'1'")
            return "TRUE";
        if (lower == "0" || lower == "'0'" || lower == "false" || lower == "b'0'")
            return "FALSE";
    }
    if (!mariadb) {
        static const std::regex kNumber(R"(^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$)");
        bool number = numeric_type(portable) && std::regex_match(expression, kNumber);
        bool function = expression.find('(') != std::string::npos;
        if (!number && !function) {
            std::string quoted = "'";
            for (char c : expression)
                quoted += c == '\'' ? std::string("''") : std::string(1, c);
            return quoted + "'";
        }
    }
    return expression;
}

std::string referential_action(const std::optional<std::string>& rule) {
    std::string action = to_upper(trim(text(rule)));
    return action.empty() ? std::string("NO ACTION") : action;
}

} // namespace

snapshot::Schema MysqlDialect::snapshot(Connection& connection,
                                        const snapshot::SnapshotScope& scope) const {
    auto rows = [&](const std::string& sql) { return connection.query(sql).rows; };
    snapshot::Schema schema;
    schema.database = name();
    {
        auto found = rows("SELECT VERSION(), DATABASE()");
        if (!found.empty()) {
            schema.database_version = text(found[0][0]);
            schema.name = text(found[0][1]);
        }
    }
    if (!scope.schema.empty())
        schema.name = scope.schema;
    if (schema.name.empty())
        throw Error(ErrorKind::Usage, "no database is selected to snapshot", {},
                    "name one in the URL (mysql://host/<database>)");
    const std::string database = quote_literal(schema.name);
    // information_schema compares names case-insensitively; the objects are case-sensitive on
    // Linux, so compare bytes too. The plain equality stays: it is what lets the server open
    // only this database's tables instead of every database's.
    auto schema_is = [&](std::string_view column) {
        return fmt::format("{} = {} AND BINARY {} = BINARY {}", column, database, column, database);
    };
    const std::string in_schema = schema_is("TABLE_SCHEMA");

    // Tables: base tables only; views and MariaDB's sequences (tables of type SEQUENCE) are
    // read below as what they are.
    std::map<std::string, std::size_t> table_at;
    std::vector<std::string> sequence_names;
    for (const Row& row : rows(fmt::format("SELECT TABLE_NAME, TABLE_TYPE, TABLE_COMMENT FROM "
                                           "information_schema.TABLES WHERE {} ORDER BY "
                                           "TABLE_NAME",
                                           in_schema))) {
        std::string type = to_upper(text(row[1]));
        if (type == "SEQUENCE") {
            sequence_names.push_back(text(row[0]));
            continue;
        }
        // MariaDB's system-versioned tables are tables too.
        if (type != "BASE TABLE" && type != "SYSTEM VERSIONED")
            continue;
        snapshot::Table table;
        table.name = text(row[0]);
        table.comment = text(row[2]);
        table_at[table.name] = schema.tables.size();
        schema.tables.push_back(std::move(table));
    }
    auto table_named = [&](const std::optional<std::string>& name) -> snapshot::Table* {
        auto it = table_at.find(text(name));
        return it == table_at.end() ? nullptr : &schema.tables[it->second];
    };

    // Columns in table order; auto-increment from EXTRA, and such a column has no default.
    for (const Row& row : rows(fmt::format(
             "SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, EXTRA, "
             "COLUMN_COMMENT FROM information_schema.COLUMNS WHERE {} "
             "ORDER BY TABLE_NAME, ORDINAL_POSITION",
             in_schema))) {
        snapshot::Table* table = table_named(row[0]);
        if (table == nullptr)
            continue;
        snapshot::Column column;
        column.name = text(row[1]);
        column.native_type = text(row[2]);
        column.type = snapshot::portable_type(column.native_type);
        column.nullable = to_upper(text(row[3])) == "YES";
        std::string extra = to_lower(text(row[5]));
        column.auto_increment = extra.find("auto_increment") != std::string::npos;
        // A generated column's expression is no default (the model has no place for it).
        // MySQL 8 marks an expression default DEFAULT_GENERATED: that one is a default.
        bool generated = extra.find("virtual generated") != std::string::npos ||
                         extra.find("stored generated") != std::string::npos;
        if (!column.auto_increment && !generated)
            column.default_value = normalize_default(row[4], column.type, mariadb_);
        column.comment = text(row[6]);
        table->columns.push_back(std::move(column));
    }

    // Primary keys and unique keys, from the indexes that back them (see the top of the
    // file); the other indexes as they are. Key columns in index order; a prefix length is
    // not part of the model.
    for (const Row& row :
         rows(fmt::format("SELECT TABLE_NAME, INDEX_NAME, NON_UNIQUE, COLUMN_NAME, COLLATION FROM "
                          "information_schema.STATISTICS WHERE {} ORDER BY TABLE_NAME, INDEX_NAME, "
                          "SEQ_IN_INDEX",
                          in_schema))) {
        snapshot::Table* table = table_named(row[0]);
        if (table == nullptr)
            continue;
        std::string index = text(row[1]);
        std::string column = text(row[3]);
        if (index == "PRIMARY") {
            if (!table->primary_key)
                table->primary_key = snapshot::KeyConstraint{index, {}};
            table->primary_key->columns.push_back(column);
        } else if (text(row[2]) == "0") {
            if (table->unique_constraints.empty() || table->unique_constraints.back().name != index)
                table->unique_constraints.push_back({index, {}});
            table->unique_constraints.back().columns.push_back(column);
        } else {
            if (table->indexes.empty() || table->indexes.back().name != index)
                table->indexes.push_back({index, {}, false, ""});
            table->indexes.back().columns.push_back({column, to_upper(text(row[4])) == "D"});
        }
    }

    // Foreign keys: the rules from REFERENTIAL_CONSTRAINTS, the columns in key order from
    // KEY_COLUMN_USAGE. MySQL and MariaDB have no deferrable constraints.
    std::map<std::pair<std::string, std::string>, std::size_t> foreign_key_at;
    for (const Row& row :
         rows(fmt::format("SELECT TABLE_NAME, CONSTRAINT_NAME, REFERENCED_TABLE_NAME, DELETE_RULE, "
                          "UPDATE_RULE FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE {} "
                          "ORDER BY TABLE_NAME, CONSTRAINT_NAME",
                          schema_is("CONSTRAINT_SCHEMA")))) {
        snapshot::Table* table = table_named(row[0]);
        if (table == nullptr)
            continue;
        snapshot::ForeignKey foreign_key;
        foreign_key.name = text(row[1]);
        foreign_key.referenced_table = text(row[2]);
        foreign_key.on_delete = referential_action(row[3]);
        foreign_key.on_update = referential_action(row[4]);
        foreign_key_at[{table->name, foreign_key.name}] = table->foreign_keys.size();
        table->foreign_keys.push_back(std::move(foreign_key));
    }
    for (const Row& row : rows(fmt::format(
             "SELECT TABLE_NAME, CONSTRAINT_NAME, COLUMN_NAME, REFERENCED_COLUMN_NAME FROM "
             "information_schema.KEY_COLUMN_USAGE WHERE {} AND REFERENCED_TABLE_NAME IS NOT "
             "NULL ORDER BY TABLE_NAME, CONSTRAINT_NAME, ORDINAL_POSITION",
             in_schema))) {
        snapshot::Table* table = table_named(row[0]);
        if (table == nullptr)
            continue;
        auto it = foreign_key_at.find({table->name, text(row[1])});
        if (it == foreign_key_at.end())
            continue;
        snapshot::ForeignKey& foreign_key = table->foreign_keys[it->second];
        foreign_key.columns.push_back(text(row[2]));
        foreign_key.referenced_columns.push_back(text(row[3]));
    }

    // InnoDB indexes a foreign key's columns itself when no index does, under the
    // constraint's name: that index backs the constraint (no DDL of the user's created it, and
    // PostgreSQL has none), so it is left out like those behind keys.
    for (snapshot::Table& table : schema.tables) {
        std::erase_if(table.indexes, [&](const snapshot::Index& index) {
            return std::ranges::any_of(table.foreign_keys, [&](const snapshot::ForeignKey& fk) {
                if (fk.name != index.name || fk.columns.size() != index.columns.size())
                    return false;
                for (std::size_t i = 0; i < fk.columns.size(); ++i)
                    if (fk.columns[i] != index.columns[i].name || index.columns[i].descending)
                        return false;
                return true;
            });
        });
    }

    // CHECK constraints. MariaDB names them per table (CHECK_CONSTRAINTS has TABLE_NAME);
    // MySQL 8 per schema, with the table in TABLE_CONSTRAINTS. MariaDB adds a column-level
    // json_valid(`c`) check to every JSON column (JSON is LONGTEXT there): not the user's,
    // and what says the column is JSON, so its portable type is "json" as on MySQL and
    // PostgreSQL (native_type stays longtext).
    std::string checks_sql =
        mariadb_ ? fmt::format("SELECT TABLE_NAME, CONSTRAINT_NAME, CHECK_CLAUSE FROM "
                               "information_schema.CHECK_CONSTRAINTS WHERE {}",
                               schema_is("CONSTRAINT_SCHEMA"))
                 : fmt::format("SELECT t.TABLE_NAME, c.CONSTRAINT_NAME, c.CHECK_CLAUSE FROM "
                               "information_schema.CHECK_CONSTRAINTS c JOIN "
                               "information_schema.TABLE_CONSTRAINTS t ON t.CONSTRAINT_SCHEMA = "
                               "c.CONSTRAINT_SCHEMA AND t.CONSTRAINT_NAME = c.CONSTRAINT_NAME "
                               "AND t.CONSTRAINT_TYPE = 'CHECK' WHERE {}",
                               schema_is("c.CONSTRAINT_SCHEMA"));
    for (const Row& row : rows(checks_sql)) {
        snapshot::Table* table = table_named(row[0]);
        if (table == nullptr)
            continue;
        std::string constraint = text(row[1]);
        std::string clause = trim(text(row[2]));
        if (to_lower(clause) == "json_valid(`" + to_lower(constraint) + "`)") {
            for (snapshot::Column& column : table->columns)
                if (to_lower(column.name) == to_lower(constraint) &&
                    to_lower(column.native_type) == "longtext")
                    column.type = "json";
            continue;
        }
        table->check_constraints.push_back({constraint, plain_check_clause(clause)});
    }

    // Views as the server keeps them (fully qualified, with backticks).
    for (const Row& row : rows(fmt::format("SELECT TABLE_NAME, VIEW_DEFINITION FROM "
                                           "information_schema.VIEWS WHERE {}",
                                           in_schema)))
        schema.views.push_back({text(row[0]), trim(text(row[1]))});

    // Sequences (MariaDB 10.3+): a sequence is a one-row table holding its settings.
    for (const std::string& sequence_name : sequence_names) {
        auto found = rows(fmt::format("SELECT start_value, increment, minimum_value, "
                                      "maximum_value, cycle_option FROM {}.{}",
                                      quoted(schema.name), quoted(sequence_name)));
        snapshot::Sequence sequence;
        sequence.name = sequence_name;
        if (!found.empty()) {
            sequence.start_value = text(found[0][0]);
            sequence.increment_by = text(found[0][1]);
            sequence.min_value = text(found[0][2]);
            sequence.max_value = text(found[0][3]);
            sequence.cycle = text(found[0][4]) == "1";
        }
        schema.sequences.push_back(std::move(sequence));
    }

    schema.normalize();
    return schema;
}

// The server's CHECK_CLAUSE quotes every name (`price` >= 0); the model's expression names a
// column bare where that means the same (a plain, unreserved name), so the same check reads
// alike on every database. Quoted strings are left alone.
std::string MysqlDialect::plain_check_clause(std::string_view clause) const {
    std::string out;
    for (std::size_t i = 0; i < clause.size(); ++i) {
        char c = clause[i];
        if (c == '\'' || c == '"') {
            std::size_t end = i + 1;
            while (end < clause.size() && clause[end] != c)
                end += clause[end] == '\\' ? 2 : 1;
            out.append(clause.substr(i, std::min(end + 1, clause.size()) - i));
            i = end;
            continue;
        }
        if (c == '`') {
            std::size_t end = clause.find('`', i + 1);
            if (end == std::string_view::npos) {
                out.append(clause.substr(i));
                break;
            }
            std::string_view name = clause.substr(i + 1, end - i - 1);
            if (plain_identifier(name) && !reserved_word(name))
                out.append(name);
            else
                out.append(clause.substr(i, end - i + 1));
            i = end;
            continue;
        }
        out += c;
    }
    return out;
}

} // namespace strata::dialect::mysql
