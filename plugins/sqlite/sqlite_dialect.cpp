// SPDX-License-Identifier: Apache-2.0
// SQLite: the embedded default. DDL is transactional, so a changeset and its history row
// commit together. The run lock is flock(2) on the database file — released by the kernel
// when a process dies — plus Liquibase's DATABASECHANGELOGLOCK row for interop.
#include "sqlite_dialect.hpp"

#include "table_rebuild.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <fcntl.h>
#include <fmt/format.h>
#include <regex>
#include <sqlite3.h>
#include <strata/text.hpp>
#include <sys/file.h>
#include <thread>
#include <unistd.h>

namespace strata::dialect::sqlite {
namespace {

std::string no_spaces(std::string_view text) {
    std::string out;
    for (char c : text) {
        if (c != ' ')
            out += c;
    }
    return out;
}

class SqliteDialect final : public AnsiDialect {
public:
    ~SqliteDialect() override {
        if (lock_fd_ >= 0)
            ::close(lock_fd_); // after the connection is gone: see lock_file
    }

    [[nodiscard]] std::string name() const override { return "sqlite"; }

    [[nodiscard]] Capabilities capabilities() const override {
        Capabilities capabilities;
        capabilities.transactional_ddl = true;
        return capabilities;
    }

    [[nodiscard]] ConnectionSpec connection_spec(const ConnectionTarget& target) const override {
        std::string_view url = target.url;
        for (std::string_view scheme : {"jdbc:sqlite:", "sqlite:"}) {
            if (url.starts_with(scheme)) {
                url.remove_prefix(scheme.size());
                break;
            }
        }
        std::string path(url.substr(0, url.find('?')));
        if (path.starts_with("//"))
            path.erase(0, 2);
        if (path.empty())
            throw Error(ErrorKind::Usage,
                        fmt::format("the URL '{}' names no database file", target.url), {},
                        "write sqlite:PATH or jdbc:sqlite:PATH, e.g. sqlite:app.db");
        ConnectionSpec spec;
        spec.soci_backend = "sqlite3";
        // SOCI splits its connect string on spaces; a bare path (no '=') is taken whole.
        spec.connect_string = path.find_first_of(" =") == std::string::npos ? "db=" + path : path;
        spec.display = target.url;
        spec.database_file = path == ":memory:" ? std::string() : path;
        return spec;
    }

    void prepare_session(Connection& connection) const override {
        // Concurrent runs wait for each other's write transactions instead of failing.
        connection.execute("PRAGMA busy_timeout = 60000");
        // Foreign keys stay unenforced, as with Liquibase's driver: enforcing them would make the
        // DROP TABLE of a table rebuild cascade into the rows that reference it.
        connection.execute("PRAGMA foreign_keys = OFF");
    }

    [[nodiscard]] std::optional<std::string> unsupported(const Change& change) const override {
        switch (change.kind) {
        case ChangeKind::AlterSequence:
        case ChangeKind::CreateSequence:
        case ChangeKind::DropSequence:
        case ChangeKind::RenameSequence:
            return fmt::format(
                "{} is not supported on sqlite: SQLite has no sequences (an INTEGER PRIMARY "
                "KEY AUTOINCREMENT column numbers rows instead)",
                change.type_name());
        case ChangeKind::CreateProcedure:
        case ChangeKind::DropProcedure:
            return fmt::format("{} is not supported on sqlite: SQLite has no stored procedures",
                               change.type_name());
        case ChangeKind::SetColumnRemarks:
        case ChangeKind::SetTableRemarks:
            return fmt::format(
                "{} is not supported on sqlite: SQLite keeps no remarks (comments) on tables "
                "or columns",
                change.type_name());
        default:
            return std::nullopt;
        }
    }

    [[nodiscard]] std::vector<std::string>
    render_change(const Change& change, const RenderContext& context) const override {
        if (auto why = unsupported(change))
            throw Error(ErrorKind::Validation, *why, change.where);
        switch (change.kind) {
        case ChangeKind::CreateView:
            if (change.flag("replaceIfExists")) {
                Change plain = change;
                plain.attributes.erase("replaceIfExists");
                std::vector<std::string> statements{
                    fmt::format("DROP VIEW IF EXISTS {}", qualified(change, "viewName"))};
                for (std::string& statement : AnsiDialect::render_change(plain, context))
                    statements.push_back(std::move(statement));
                return statements;
            }
            break;
        case ChangeKind::RenameView:
            return rename_view(change, live(change, context));
        case ChangeKind::AddColumn:
            if (std::none_of(change.columns.begin(), change.columns.end(),
                             [](const Column& c) { return needs_rebuild_to_add(c); }))
                break;
            [[fallthrough]];
        case ChangeKind::AddAutoIncrement:
        case ChangeKind::AddCheckConstraint:
        case ChangeKind::AddDefaultValue:
        case ChangeKind::AddForeignKeyConstraint:
        case ChangeKind::AddNotNullConstraint:
        case ChangeKind::AddPrimaryKey:
        case ChangeKind::AddUniqueConstraint:
        case ChangeKind::DropAllForeignKeyConstraints:
        case ChangeKind::DropCheckConstraint:
        case ChangeKind::DropColumn:
        case ChangeKind::DropDefaultValue:
        case ChangeKind::DropForeignKeyConstraint:
        case ChangeKind::DropNotNullConstraint:
        case ChangeKind::DropPrimaryKey:
        case ChangeKind::DropUniqueConstraint:
        case ChangeKind::ModifyDataType:
            return alter_by_rebuild(change, live(change, context));
        case ChangeKind::AddLookupTable:
            return add_lookup_table(change, live(change, context));
        case ChangeKind::MergeColumns:
            return merge_columns(change, live(change, context));
        default:
            break;
        }
        return AnsiDialect::render_change(change, context);
    }

    [[nodiscard]] std::optional<std::string> capture(Connection& connection,
                                                     const Change& change) const override {
        switch (change.kind) {
        case ChangeKind::AddAutoIncrement:
        case ChangeKind::DropTable:
        case ChangeKind::DropColumn:
        case ChangeKind::DropAllForeignKeyConstraints:
        case ChangeKind::DropCheckConstraint:
        case ChangeKind::DropDefaultValue:
        case ChangeKind::DropForeignKeyConstraint:
        case ChangeKind::DropNotNullConstraint:
        case ChangeKind::DropPrimaryKey:
        case ChangeKind::DropUniqueConstraint:
        case ChangeKind::ModifyDataType:
        case ChangeKind::MergeColumns: {
            std::string table =
                change.value(change.get("tableName") ? "tableName" : "baseTableName");
            StoredTable stored = read_table(connection, table);
            std::vector<std::string> record{"table", stored.name, stored.sql};
            for (const StoredTable::Index& index : stored.indexes)
                record.push_back(index.sql);
            record.insert(record.end(), stored.triggers.begin(), stored.triggers.end());
            return encode_fields(record);
        }
        case ChangeKind::DropIndex:
        case ChangeKind::DropView: {
            bool index = change.kind == ChangeKind::DropIndex;
            std::string name = change.value(index ? "indexName" : "viewName");
            ResultSet result = connection.query(
                fmt::format("SELECT sql FROM sqlite_master WHERE type = {} AND lower(name) = "
                            "lower({}) AND sql IS NOT NULL",
                            quote_literal(index ? "index" : "view"), quote_literal(name)));
            if (result.rows.empty())
                return std::nullopt; // the drop itself will report what is missing
            return encode_fields({index ? "index" : "view", name, result.rows[0][0].value_or("")});
        }
        default:
            return AnsiDialect::capture(connection, change); // an insert's keys
        }
    }

    [[nodiscard]] std::vector<std::string>
    primary_key_columns(Connection& connection, const std::string& table) const override {
        ResultSet keys = connection.query(
            fmt::format("SELECT name FROM pragma_table_info({}) WHERE pk > 0 ORDER BY pk",
                        quote_literal(table)));
        std::vector<std::string> names;
        for (const Row& row : keys.rows)
            names.push_back(row[0].value_or(""));
        return names;
    }

    [[nodiscard]] std::vector<std::string> restore(const Change& change,
                                                   const std::string& captured,
                                                   const RenderContext& context) const override {
        std::vector<std::string> record = decode_fields(captured);
        if (record.size() < 2)
            throw Error(ErrorKind::Internal, "internal error: unreadable captured definition");
        const std::string& kind = record[0];
        if (kind == "index" || kind == "view")
            return {record.at(2)};
        if (kind == "keys")
            return AnsiDialect::restore(change, captured, context);
        // A table: recreate it if it was dropped, otherwise rebuild it back to its old definition.
        std::vector<std::string> dependents(record.begin() + 3, record.end());
        if (change.kind == ChangeKind::DropTable) {
            std::vector<std::string> statements{record.at(2)};
            statements.insert(statements.end(), dependents.begin(), dependents.end());
            return statements;
        }
        Connection& connection = live(change, context);
        StoredTable current = read_table(connection, record[1]);
        RebuildOptions options;
        options.dependents = &dependents;
        return rebuild_statements(current, TableDefinition::parse(record.at(2)), options,
                                  quote_identifier(record[1]));
    }

    [[nodiscard]] bool table_exists(Connection& connection, std::string_view table) const override {
        ResultSet result = connection.query(fmt::format(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND lower(name) = lower({})",
            quote_literal(table)));
        return !result.rows.empty() && result.rows[0][0].value_or("0") != "0";
    }

    [[nodiscard]] std::string boolean_literal(bool value) const override {
        return value ? "1" : "0";
    }

    [[nodiscard]] bool object_exists(Connection& connection,
                                     const Precondition& check) const override {
        const std::string& type = check.type;
        auto count = [&](const std::string& sql) {
            ResultSet result = connection.query(sql);
            return !result.rows.empty() && result.rows[0][0].value_or("0") != "0";
        };
        auto in_master = [&](const char* kind, const std::string& name) {
            return count(fmt::format("SELECT COUNT(*) FROM sqlite_master WHERE type = '{}' AND "
                                     "lower(name) = lower({})",
                                     kind, quote_literal(name)));
        };
        bool foreign = type == "foreignKeyConstraintExists";
        std::string table = check.value(foreign ? "foreignKeyTableName" : "tableName");
        if (type == "tableExists")
            return in_master("table", table);
        if (type == "viewExists")
            return in_master("view", check.value("viewName"));
        if (type == "sequenceExists")
            return false; // SQLite has no sequences
        if (type == "columnExists")
            return count(fmt::format("SELECT COUNT(*) FROM pragma_table_info({}) WHERE "
                                     "lower(name) = lower({})",
                                     quote_literal(table),
                                     quote_literal(check.value("columnName"))));
        if (type == "indexExists") {
            if (!check.value("indexName").empty())
                return in_master("index", check.value("indexName"));
            return count(fmt::format(
                "SELECT COUNT(*) FROM pragma_index_list({}) AS l WHERE (SELECT "
                "lower(group_concat(name, ',')) FROM pragma_index_info(l.name)) "
                "= lower({})",
                quote_literal(table), quote_literal(no_spaces(check.value("columnNames")))));
        }
        // SQLite keeps constraint names only in the table's definition.
        bool primary = type == "primaryKeyExists";
        std::string kind = foreign ? "FOREIGN" : primary ? "PRIMARY" : "UNIQUE";
        std::string column_kind = foreign ? "REFERENCES" : kind;
        std::string name = check.value(foreign   ? "foreignKeyName"
                                       : primary ? "primaryKeyName"
                                                 : "constraintName");
        ResultSet tables = connection.query(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND sql IS NOT NULL");
        for (const Row& row : tables.rows) {
            if (!table.empty() && !same_name(row[0].value_or(""), table))
                continue;
            TableDefinition definition = TableDefinition::parse(row[1].value_or(""));
            for (const TableConstraint& constraint : definition.constraints) {
                if (constraint.kind == kind && (name.empty() || same_name(constraint.name, name)))
                    return true;
            }
            for (const ColumnDefinition& column : definition.columns) {
                for (const ColumnConstraint& constraint : column.constraints) {
                    if (constraint.kind == column_kind &&
                        (name.empty() || same_name(constraint.name, name)))
                        return true;
                }
            }
        }
        return false;
    }

    bool acquire_native_lock(Connection&, const RunLockRequest& request) override {
        if (!request.target.database_file.empty())
            lock_file(request);
        return lock_fd_ >= 0;
    }

    void release_native_lock(Connection&) noexcept override {
        // Unlock, but keep the descriptor open: closing it would drop SQLite's own POSIX locks.
        if (lock_fd_ >= 0)
            ::flock(lock_fd_, LOCK_UN);
    }

protected:
    // SQLite runs one statement per call, so a script is always split, even with
    // splitStatements="false" (the rest would be dropped silently); CREATE TRIGGER ... END
    // bodies stay whole.
    [[nodiscard]] std::vector<std::string> render_sql(const Change& change) const override {
        Change split = change;
        split.attributes.insert_or_assign("splitStatements", "true");
        static const std::regex trigger_start(R"(^\s*CREATE\s+(TEMP\s+|TEMPORARY\s+)?TRIGGER\b)",
                                              std::regex::icase);
        static const std::regex trigger_end(R"(\bEND\s*$)", std::regex::icase);
        std::vector<std::string> statements;
        bool open_trigger = false;
        for (std::string& piece : AnsiDialect::render_sql(split)) {
            if (open_trigger)
                statements.back() += ";\n" + piece;
            else
                statements.push_back(std::move(piece));
            open_trigger = std::regex_search(statements.back(), trigger_start) &&
                           !std::regex_search(statements.back(), trigger_end);
        }
        // SQLite prepares one statement per call and ignores the rest of the text, so a piece
        // the endDelimiter left holding several statements ("SELECT 1; SELECT 2" between two
        // '/' lines) would lose all but its first, silently (Liquibase 4.28 does lose them).
        // Cut it where SQLite's own tokenizer says a statement is complete.
        std::vector<std::string> complete;
        for (const std::string& statement : statements)
            for (std::string& part : complete_statements(statement))
                complete.push_back(std::move(part));
        return complete;
    }

    [[nodiscard]] static std::vector<std::string> complete_statements(const std::string& text) {
        std::vector<std::string> parts;
        auto keep = [&](std::string_view part) {
            while (!part.empty() &&
                   (part.back() == ';' || std::isspace(static_cast<unsigned char>(part.back()))))
                part.remove_suffix(1);
            if (std::string statement = trim(part); !statement.empty())
                parts.push_back(std::move(statement));
        };
        std::size_t start = 0;
        for (std::size_t semicolon = text.find(';'); semicolon != std::string::npos;
             semicolon = text.find(';', semicolon + 1)) {
            std::string candidate = text.substr(start, semicolon + 1 - start);
            if (sqlite3_complete(candidate.c_str()) != 0) {
                keep(candidate);
                start = semicolon + 1;
            }
        }
        keep(std::string_view(text).substr(start));
        return parts;
    }

    [[nodiscard]] std::string column_type(std::string_view liquibase_type) const override {
        LiquibaseType type = parse_liquibase_type(liquibase_type);
        const std::string& base = type.name;
        if (base == "INT" || base == "INTEGER" || base == "INT4" || base == "SMALLINT" ||
            base == "TINYINT" || base == "MEDIUMINT")
            return "INTEGER";
        if (base == "DATETIME" || base == "TIMESTAMP" || base == "TIME" || base == "UUID" ||
            base == "CLOB" || base == "TEXT" || base == "NCLOB")
            return "TEXT";
        return type.with_extra(base + type.parameters);
    }

    [[nodiscard]] std::string datetime_type() const override { return "TEXT"; }

    [[nodiscard]] std::string default_clause(const Column& column) const override {
        if (const std::string* computed = column.get("defaultValueComputed")) {
            std::string expression = to_upper(trim(*computed));
            if (expression == "CURRENT_TIMESTAMP" || expression == "CURRENT_DATE" ||
                expression == "CURRENT_TIME" || expression == "NULL")
                return expression;
            return "(" + *computed + ")"; // SQLite takes other expressions only in parentheses
        }
        return AnsiDialect::default_clause(column);
    }

    // Liquibase's SQLite form: an autoIncrement key is declared inline
    // ("id INTEGER CONSTRAINT PK_T PRIMARY KEY AUTOINCREMENT NOT NULL"), as SQLite requires;
    // other keys and unique columns become table constraints.
    [[nodiscard]] std::vector<std::string>
    render_create_table(const Change& change) const override {
        const Column* auto_key = nullptr;
        int key_columns = 0;
        for (const Column& column : change.columns) {
            if (column.constraint_flag("primaryKey")) {
                ++key_columns;
                if (const std::string* ai = column.get("autoIncrement"); ai && *ai == "true")
                    auto_key = &column;
            }
        }
        if (key_columns != 1 || auto_key == nullptr)
            return AnsiDialect::render_create_table(change);

        std::string table = change.value("tableName");
        std::vector<std::string> parts;
        std::vector<std::string> uniques;
        for (const Column& column : change.columns) {
            if (&column == auto_key) {
                const std::string* name = column.constraint("primaryKeyName");
                parts.push_back(
                    fmt::format("{} INTEGER CONSTRAINT {} PRIMARY KEY AUTOINCREMENT NOT NULL",
                                quote_identifier(column.name()),
                                quote_identifier(name ? *name : "PK_" + to_upper(table))));
                continue;
            }
            Column plain = column;
            if (plain.constraints && column.constraint_flag("unique") &&
                !column.constraint("uniqueConstraintName")) {
                plain.constraints->erase("unique");
                uniques.push_back(fmt::format("UNIQUE ({})", quote_identifier(column.name())));
            }
            parts.push_back(column_definition(plain, false));
        }
        parts.insert(parts.end(), uniques.begin(), uniques.end());
        for (std::string& key : column_foreign_keys(change))
            parts.push_back(std::move(key));
        return {fmt::format("CREATE TABLE {} ({})", qualified(change, "tableName"),
                            fmt::join(parts, ", "))};
    }

private:
    static Connection& live(const Change& change, const RenderContext& context) {
        if (context.connection == nullptr)
            throw Error(
                ErrorKind::Validation,
                fmt::format("{} on sqlite rebuilds the table and needs the live database to render",
                            change.type_name()),
                change.where);
        return *context.connection;
    }

    // SQLite's ADD COLUMN refuses keys, unique columns, NOT NULL without a default and
    // non-constant defaults; those columns are added by rebuilding the table.
    static bool needs_rebuild_to_add(const Column& column) {
        bool not_null = column.constraint("nullable") && *column.constraint("nullable") == "false";
        bool has_default = column.get("defaultValue") || column.get("defaultValueNumeric") ||
                           column.get("defaultValueBoolean") || column.get("defaultValueDate") ||
                           column.get("defaultValueComputed");
        return column.constraint_flag("primaryKey") || column.constraint_flag("unique") ||
               (not_null && !has_default) || column.get("defaultValueComputed") ||
               column.get("afterColumn") || column.get("beforeColumn") || column.get("position");
    }

    [[nodiscard]] std::string constraint_clause(const Change& change) const {
        const std::string* name = change.get("constraintName");
        return name && !name->empty() ? "CONSTRAINT " + quote_identifier(*name) + " "
                                      : std::string();
    }

    [[nodiscard]] std::string column_list(std::string_view list) const {
        std::vector<std::string> quoted;
        std::size_t start = 0;
        while (start <= list.size()) {
            std::size_t comma = list.find(',', start);
            std::string name = trim(list.substr(start, comma - start));
            if (!name.empty())
                quoted.push_back(quote_identifier(name));
            if (comma == std::string_view::npos)
                break;
            start = comma + 1;
        }
        return fmt::format("{}", fmt::join(quoted, ", "));
    }

    static ColumnDefinition& existing_column(TableDefinition& table, const Change& change,
                                             std::string_view name) {
        ColumnDefinition* column = table.column(name);
        if (column == nullptr)
            throw Error(ErrorKind::Validation,
                        fmt::format("{}: table '{}' has no column '{}'", change.type_name(),
                                    change.value("tableName"), name),
                        change.where);
        return *column;
    }

    // Edits the table's definition as the change asks and renders the rebuild.
    std::vector<std::string> alter_by_rebuild(const Change& change, Connection& connection) const {
        bool base = change.kind == ChangeKind::AddForeignKeyConstraint ||
                    change.kind == ChangeKind::DropForeignKeyConstraint ||
                    change.kind == ChangeKind::DropAllForeignKeyConstraints;
        std::string table_name = change.value(base ? "baseTableName" : "tableName");
        StoredTable current = read_table(connection, table_name);
        TableDefinition table = TableDefinition::parse(current.sql);
        RebuildOptions options;
        auto missing_constraint = [&](std::string_view what) {
            return Error(ErrorKind::Validation,
                         fmt::format("{}: table '{}' has no {} named '{}'", change.type_name(),
                                     table_name, what, change.value("constraintName")),
                         change.where);
        };
        switch (change.kind) {
        case ChangeKind::AddColumn:
            for (const Column& column : change.columns) {
                ColumnDefinition added =
                    TableDefinition::parse("CREATE TABLE x (" + column_definition(column, true) +
                                           ")")
                        .columns.at(0);
                auto at = table.columns.end();
                if (const std::string* after = column.get("afterColumn"))
                    at = std::next(table.columns.begin(),
                                   std::distance(table.columns.data(),
                                                 &existing_column(table, change, *after)) +
                                       1);
                else if (const std::string* before = column.get("beforeColumn"))
                    at = std::next(table.columns.begin(),
                                   std::distance(table.columns.data(),
                                                 &existing_column(table, change, *before)));
                else if (const std::string* position = column.get("position"))
                    at = std::next(table.columns.begin(),
                                   std::clamp<long>(std::stol(*position) - 1, 0,
                                                    static_cast<long>(table.columns.size())));
                table.columns.insert(at, added);
            }
            break;
        case ChangeKind::AddAutoIncrement: {
            ColumnDefinition& column = existing_column(table, change, change.value("columnName"));
            column.type = "INTEGER";
            column.remove("PRIMARY");
            table.constraints.erase(
                std::remove_if(table.constraints.begin(), table.constraints.end(),
                               [](const TableConstraint& c) { return c.kind == "PRIMARY"; }),
                table.constraints.end());
            column.constraints.insert(column.constraints.begin(),
                                      {"", "PRIMARY", "PRIMARY KEY AUTOINCREMENT"});
            break;
        }
        case ChangeKind::AddDefaultValue: {
            ColumnDefinition& column = existing_column(table, change, change.value("columnName"));
            Column value;
            value.attributes = change.attributes;
            column.remove("DEFAULT");
            column.constraints.push_back({"", "DEFAULT", "DEFAULT " + default_clause(value)});
            break;
        }
        case ChangeKind::DropDefaultValue:
            existing_column(table, change, change.value("columnName")).remove("DEFAULT");
            break;
        case ChangeKind::AddNotNullConstraint: {
            ColumnDefinition& column = existing_column(table, change, change.value("columnName"));
            if (const std::string* fill = change.get("defaultNullValue"))
                options.before.push_back(fmt::format("UPDATE {} SET {} = {} WHERE {} IS NULL",
                                                     quote_identifier(table_name), column.name_text,
                                                     quote_literal(*fill), column.name_text));
            column.remove("NULL");
            if (!column.has("NOT"))
                column.constraints.push_back({change.value("constraintName"), "NOT",
                                              constraint_clause(change) + "NOT NULL"});
            break;
        }
        case ChangeKind::DropNotNullConstraint:
            existing_column(table, change, change.value("columnName")).remove("NOT");
            break;
        case ChangeKind::AddPrimaryKey: {
            bool has_key =
                std::any_of(table.constraints.begin(), table.constraints.end(),
                            [](const TableConstraint& c) { return c.kind == "PRIMARY"; }) ||
                std::any_of(table.columns.begin(), table.columns.end(),
                            [](const ColumnDefinition& c) { return c.has("PRIMARY"); });
            if (has_key)
                throw Error(ErrorKind::Validation,
                            fmt::format("table '{}' already has a primary key", table_name),
                            change.where, "drop it first with dropPrimaryKey");
            std::string name = change.value("constraintName");
            if (name.empty())
                name = "PK_" + to_upper(table_name);
            table.constraints.push_back(
                {name,
                 "PRIMARY",
                 {},
                 fmt::format("CONSTRAINT {} PRIMARY KEY ({})", quote_identifier(name),
                             column_list(change.value("columnNames")))});
            break;
        }
        case ChangeKind::DropPrimaryKey: {
            std::size_t before = table.constraints.size();
            table.constraints.erase(
                std::remove_if(table.constraints.begin(), table.constraints.end(),
                               [](const TableConstraint& c) { return c.kind == "PRIMARY"; }),
                table.constraints.end());
            bool dropped = before != table.constraints.size();
            for (ColumnDefinition& column : table.columns) {
                if (column.has("PRIMARY")) {
                    column.remove("PRIMARY");
                    dropped = true;
                }
            }
            if (!dropped)
                throw Error(ErrorKind::Validation,
                            fmt::format("table '{}' has no primary key", table_name), change.where);
            break;
        }
        case ChangeKind::AddUniqueConstraint:
            table.constraints.push_back({change.value("constraintName"),
                                         "UNIQUE",
                                         {},
                                         constraint_clause(change) + "UNIQUE (" +
                                             column_list(change.value("columnNames")) + ")"});
            break;
        case ChangeKind::DropUniqueConstraint:
            if (!table.remove_constraint(change.value("constraintName")))
                throw missing_constraint("unique constraint");
            break;
        case ChangeKind::AddCheckConstraint:
            table.constraints.push_back(
                {change.value("constraintName"),
                 "CHECK",
                 {},
                 constraint_clause(change) + "CHECK (" + change.value("constraintBody") + ")"});
            break;
        case ChangeKind::DropCheckConstraint:
            if (!table.remove_constraint(change.value("constraintName")))
                throw missing_constraint("check constraint");
            break;
        case ChangeKind::AddForeignKeyConstraint: {
            std::string text = constraint_clause(change) +
                               fmt::format("FOREIGN KEY ({}) REFERENCES {} ({})",
                                           column_list(change.value("baseColumnNames")),
                                           quote_identifier(change.value("referencedTableName")),
                                           column_list(change.value("referencedColumnNames")));
            if (const std::string* action = change.get("onDelete"))
                text += " ON DELETE " + *action;
            else if (change.flag("deleteCascade"))
                text += " ON DELETE CASCADE";
            if (const std::string* action = change.get("onUpdate"))
                text += " ON UPDATE " + *action;
            if (change.flag("deferrable"))
                text += change.flag("initiallyDeferred") ? " DEFERRABLE INITIALLY DEFERRED"
                                                         : " DEFERRABLE";
            table.constraints.push_back({change.value("constraintName"), "FOREIGN", {}, text});
            break;
        }
        case ChangeKind::DropForeignKeyConstraint:
            if (!table.remove_constraint(change.value("constraintName")))
                throw missing_constraint("foreign key");
            break;
        case ChangeKind::DropAllForeignKeyConstraints:
            table.constraints.erase(
                std::remove_if(table.constraints.begin(), table.constraints.end(),
                               [](const TableConstraint& c) { return c.kind == "FOREIGN"; }),
                table.constraints.end());
            for (ColumnDefinition& column : table.columns)
                column.remove("REFERENCES");
            break;
        case ChangeKind::ModifyDataType:
            existing_column(table, change, change.value("columnName")).type =
                column_type(change.value("newDataType"));
            break;
        case ChangeKind::DropColumn: {
            std::vector<std::string> names;
            if (const std::string* name = change.get("columnName"))
                names.push_back(*name);
            for (const Column& column : change.columns)
                names.push_back(column.name());
            // A column the table does not have yet (future-rollback-sql of a pending addColumn)
            // gets SQLite's own DROP COLUMN, which is what running it later would need.
            if (std::any_of(names.begin(), names.end(),
                            [&](const std::string& n) { return table.column(n) == nullptr; }))
                return AnsiDialect::render_change(change, RenderContext{});
            for (const std::string& name : names) {
                ColumnDefinition& column = existing_column(table, change, name);
                std::string dropped = column.name;
                table.columns.erase(table.columns.begin() +
                                    std::distance(table.columns.data(), &column));
                // Table constraints over a dropped column go with it, as on other databases.
                table.constraints.erase(
                    std::remove_if(table.constraints.begin(), table.constraints.end(),
                                   [&](const TableConstraint& c) {
                                       return std::any_of(c.columns.begin(), c.columns.end(),
                                                          [&](const std::string& n) {
                                                              return same_name(n, dropped);
                                                          });
                                   }),
                    table.constraints.end());
            }
            if (table.columns.empty())
                throw Error(
                    ErrorKind::Validation,
                    fmt::format("dropColumn would leave table '{}' with no column", table_name),
                    change.where, "use dropTable");
            break;
        }
        default:
            throw Error(ErrorKind::Internal,
                        fmt::format("internal error: {} is not a rebuild", change.type_name()));
        }
        return rebuild_statements(current, table, options, quote_identifier(table_name));
    }

    std::vector<std::string> add_lookup_table(const Change& change, Connection& connection) const {
        std::string existing = change.value("existingTableName");
        std::string existing_column = change.value("existingColumnName");
        std::string type = change.value("newColumnDataType");
        if (type.empty()) {
            TableDefinition table = TableDefinition::parse(read_table(connection, existing).sql);
            type = existing_column_type(table, change, existing_column);
        }
        std::string lookup = quote_identifier(change.value("newTableName"));
        std::string column = quote_identifier(change.value("newColumnName"));
        std::vector<std::string> statements{
            fmt::format("CREATE TABLE {} ({} {} NOT NULL, CONSTRAINT {} PRIMARY KEY ({}))", lookup,
                        column, column_type(type),
                        quote_identifier("PK_" + to_upper(change.value("newTableName"))), column),
            fmt::format("INSERT INTO {} ({}) SELECT DISTINCT {} FROM {} WHERE {} IS NOT NULL",
                        lookup, column, quote_identifier(existing_column),
                        quote_identifier(existing), quote_identifier(existing_column))};
        Change foreign_key;
        foreign_key.kind = ChangeKind::AddForeignKeyConstraint;
        foreign_key.where = change.where;
        foreign_key.attributes = {
            {"baseTableName", existing},
            {"baseColumnNames", existing_column},
            {"referencedTableName", change.value("newTableName")},
            {"referencedColumnNames", change.value("newColumnName")},
            {"constraintName",
             change.value("constraintName").empty()
                 ? "FK_" + to_upper(existing) + "_" + to_upper(change.value("newTableName"))
                 : change.value("constraintName")}};
        for (std::string& statement : alter_by_rebuild(foreign_key, connection))
            statements.push_back(std::move(statement));
        return statements;
    }

    std::string existing_column_type(TableDefinition& table, const Change& change,
                                     std::string_view name) const {
        std::string type = existing_column(table, change, name).type;
        return type.empty() ? "TEXT" : type;
    }

    // mergeColumns: a new column filled from two others, which are then dropped.
    std::vector<std::string> merge_columns(const Change& change, Connection& connection) const {
        std::string table_name = change.value("tableName");
        StoredTable current = read_table(connection, table_name);
        TableDefinition table = TableDefinition::parse(current.sql);
        std::string first = existing_column(table, change, change.value("column1Name")).name_text;
        std::string second = existing_column(table, change, change.value("column2Name")).name_text;
        std::string final_column = quote_identifier(change.value("finalColumnName"));
        std::string quoted_table = quote_identifier(table_name);
        std::vector<std::string> statements{
            fmt::format("ALTER TABLE {} ADD {} {}", quoted_table, final_column,
                        column_type(change.value("finalColumnType"))),
            fmt::format("UPDATE {} SET {} = {} || {} || {}", quoted_table, final_column, first,
                        quote_literal(change.value("joinString")), second)};
        // The rebuild starts from the table as it will be after the two statements above.
        TableDefinition with_final = table;
        with_final.columns.push_back(
            TableDefinition::parse("CREATE TABLE x (" + final_column + " " +
                                   column_type(change.value("finalColumnType")) + ")")
                .columns.at(0));
        current.sql = with_final.sql();
        TableDefinition target = with_final;
        for (const std::string& dropped :
             {change.value("column1Name"), change.value("column2Name")})
            target.columns.erase(
                target.columns.begin() +
                std::distance(target.columns.data(), &existing_column(target, change, dropped)));
        for (std::string& statement : rebuild_statements(current, target, {}, quoted_table))
            statements.push_back(std::move(statement));
        return statements;
    }

    // SQLite has no ALTER VIEW ... RENAME: the view is created again under its new name.
    std::vector<std::string> rename_view(const Change& change, Connection& connection) const {
        std::string old_name = change.value("oldViewName");
        ResultSet result = connection.query(fmt::format(
            "SELECT sql FROM sqlite_master WHERE type = 'view' AND lower(name) = lower({})",
            quote_literal(old_name)));
        if (result.rows.empty())
            throw Error(ErrorKind::Validation, fmt::format("view '{}' does not exist", old_name),
                        change.where);
        std::string sql = result.rows[0][0].value_or("");
        static const std::regex head(
            R"(^(\s*CREATE\s+(?:TEMP\s+|TEMPORARY\s+)?VIEW\s+(?:IF\s+NOT\s+EXISTS\s+)?)("[^"]*"|`[^`]*`|\[[^\]]*\]|[^\s(]+))",
            std::regex::icase);
        std::string renamed =
            std::regex_replace(sql, head, "$1" + quote_identifier(change.value("newViewName")),
                               std::regex_constants::format_first_only);
        return {fmt::format("DROP VIEW {}", quote_identifier(old_name)), renamed};
    }

    // The rollback of insert/loadData: delete exactly the rows it inserted, by primary key.
    void lock_file(const RunLockRequest& request) {
        if (lock_fd_ < 0)
            lock_fd_ = ::open(request.target.database_file.c_str(), O_RDWR | O_CLOEXEC);
        if (lock_fd_ < 0)
            return; // e.g. a read-only file: the row protocol alone still serialises runs
        auto deadline = std::chrono::steady_clock::now() + request.wait;
        while (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
            if (std::chrono::steady_clock::now() >= deadline)
                throw Error(
                    ErrorKind::Lock,
                    fmt::format("could not acquire the change log lock: another strata process is "
                                "running against {}",
                                request.target.database_file),
                    {}, "wait for it to finish, or raise --changelog-lock-wait-time-in-minutes");
            std::this_thread::sleep_for(request.poll);
        }
    }

    // The descriptor is closed only when the dialect is destroyed, after the connection:
    // closing any descriptor of the database file drops SQLite's own POSIX locks.
    int lock_fd_ = -1;
};

} // namespace

std::unique_ptr<Dialect> make_dialect() {
    return std::make_unique<SqliteDialect>();
}

} // namespace strata::dialect::sqlite
