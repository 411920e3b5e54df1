// SPDX-License-Identifier: Apache-2.0
// PostgreSQL: DDL is transactional, so a changeset and its history row commit together.
// Names follow Liquibase on PostgreSQL: unquoted (folded to lower case by the server)
// unless mixed case, reserved or not a plain identifier, and the history tables are
// `databasechangelog` / `databasechangeloglock` in lower case. The run lock is a
// session-level advisory lock — the server drops it when the session ends, so a killed run
// leaves nothing behind — plus Liquibase's DATABASECHANGELOGLOCK row for interop.
#include "postgresql_dialect.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <fmt/format.h>
#include <strata/text.hpp>
#include <thread>

namespace strata::dialect::postgresql {
namespace {

bool mixed_case(std::string_view name) {
    bool has_upper =
        std::any_of(name.begin(), name.end(), [](unsigned char c) { return std::isupper(c); });
    bool has_lower =
        std::any_of(name.begin(), name.end(), [](unsigned char c) { return std::islower(c); });
    return has_upper && has_lower;
}

// PostgreSQL's reserved key words (those that cannot name a table or column unquoted),
// the list Liquibase quotes on PostgreSQL.
bool postgresql_reserved_word(std::string_view name) {
    // Space-separated, with spaces at both ends: " WORD " finds whole words only.
    static constexpr std::string_view kReserved =
        " ALL ANALYSE ANALYZE AND ANY ARRAY AS ASC ASYMMETRIC AUTHORIZATION BINARY BOTH CASE "
        "CAST CHECK COLLATE COLLATION COLUMN CONCURRENTLY CONSTRAINT CREATE CROSS "
        "CURRENT_CATALOG CURRENT_DATE CURRENT_ROLE CURRENT_SCHEMA CURRENT_TIME "
        "CURRENT_TIMESTAMP CURRENT_USER DEFAULT DEFERRABLE DESC DISTINCT DO ELSE END EXCEPT "
        "FALSE FETCH FOR FOREIGN FREEZE FROM FULL GRANT GROUP HAVING ILIKE IN INITIALLY INNER "
        "INTERSECT INTO IS ISNULL JOIN LATERAL LEADING LEFT LIKE LIMIT LOCALTIME LOCALTIMESTAMP "
        "NATURAL NOT NOTNULL NULL OFFSET ON ONLY OR ORDER OUTER OVERLAPS PLACING PRIMARY "
        "REFERENCES RETURNING RIGHT SELECT SESSION_USER SIMILAR SOME SYMMETRIC TABLE "
        "TABLESAMPLE THEN TO TRAILING TRUE UNION UNIQUE USER USING VARIADIC VERBOSE WHEN WHERE "
        "WINDOW WITH ";
    return kReserved.find(" " + to_upper(name) + " ") != std::string_view::npos;
}

class PostgresDialect final : public AnsiDialect {
public:
    [[nodiscard]] std::string name() const override { return "postgresql"; }

    [[nodiscard]] Capabilities capabilities() const override {
        Capabilities capabilities;
        capabilities.transactional_ddl = true;
        return capabilities;
    }

    [[nodiscard]] ConnectionSpec connection_spec(const ConnectionTarget& target) const override {
        ServerUrl url = parse_server_url(target.url);
        if (url.scheme != "postgresql" && url.scheme != "postgres")
            throw Error(ErrorKind::Usage,
                        fmt::format("the URL '{}' is not a PostgreSQL URL", url.display), {},
                        "write postgresql://user@host:5432/database or "
                        "jdbc:postgresql://host:5432/database");
        if (url.database.empty())
            throw Error(ErrorKind::Usage,
                        fmt::format("the URL '{}' names no database", url.display), {},
                        "write postgresql://user@host:5432/database");

        // --username/--password win over the URL, as they do for Liquibase's JDBC driver.
        std::string user = !target.username.empty() ? target.username
                           : !url.user.empty()      ? url.user
                           : url.parameter("user")  ? *url.parameter("user")
                                                    : std::string();
        std::string password = !target.password.empty()    ? target.password
                               : !url.password.empty()     ? url.password
                               : url.parameter("password") ? *url.parameter("password")
                                                           : std::string();

        // JDBC talks TCP to localhost when no host is given; libpq would use a socket.
        std::string connect =
            fmt::format("host={} port={} dbname={}",
                        connect_string_value(url.host.empty() ? "localhost" : url.host),
                        url.port.value_or(5432), connect_string_value(url.database));
        if (!user.empty())
            connect += " user=" + connect_string_value(user);
        if (!password.empty())
            connect += " password=" + connect_string_value(password);

        std::string application = "strata";
        std::string options;
        for (const auto& [key, value] : url.parameters) {
            std::string name = to_lower(key);
            if (name == "sslmode" || name == "sslrootcert" || name == "sslcert" ||
                name == "sslkey" || name == "target_session_attrs" || name == "gssencmode" ||
                name == "channel_binding") {
                connect += fmt::format(" {}={}", name, connect_string_value(value));
            } else if (name == "ssl") {
                // pgJDBC's ssl=true means "encrypt", without verifying the certificate chain.
                connect += value == "true" ? " sslmode=require" : " sslmode=disable";
            } else if (name == "connecttimeout" || name == "connect_timeout") {
                connect += " connect_timeout=" + connect_string_value(value);
            } else if (name == "applicationname" || name == "application_name") {
                application = value;
            } else if (name == "currentschema") {
                // pgJDBC's currentSchema is the search path of the session.
                options += " -c search_path=" + value;
            } else if (name == "options") {
                options += " " + value;
            }
            // Every other pgJDBC parameter tunes the Java driver and means nothing to libpq.
        }
        connect += " application_name=" + connect_string_value(application);
        if (!options.empty())
            connect += " options=" + connect_string_value(trim(options));

        ConnectionSpec spec;
        spec.soci_backend = "postgresql";
        spec.connect_string = std::move(connect);
        spec.display = url.display;
        return spec;
    }

    void prepare_session(Connection& connection) const override {
        // NOTICEs ("table does not exist, skipping", implicit index names) would go to
        // stderr through libpq's default notice processor.
        connection.execute("SET client_min_messages = warning");
        // quote_literal() doubles quotes only: backslashes must be plain characters.
        connection.execute("SET standard_conforming_strings = on");
    }

    [[nodiscard]] bool reserved_word(std::string_view name) const override {
        return postgresql_reserved_word(name);
    }

    // Unquoted names fold to lower case, so a mixed-case name keeps its case only quoted.
    [[nodiscard]] bool needs_quotes(std::string_view name) const override {
        return !plain_identifier(name) || mixed_case(name);
    }

    [[nodiscard]] std::string current_timestamp() const override { return "NOW()"; }

    [[nodiscard]] bool table_exists(Connection& connection, std::string_view table) const override {
        ResultSet result = connection.query(fmt::format(
            "SELECT COUNT(*) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = "
            "c.relnamespace WHERE n.nspname = current_schema() AND c.relname = {} AND c.relkind IN "
            "('r', 'p')",
            quote_literal(stored_name(table))));
        return !result.rows.empty() && result.rows[0][0].value_or("0") != "0";
    }

    // Liquibase's PostgreSQL DDL, table names in lower case (they fold to it anyway).
    [[nodiscard]] std::string history_table_ddl(std::string_view table) const override {
        return AnsiDialect::history_table_ddl(stored_name(table));
    }

    [[nodiscard]] std::string lock_table_ddl(std::string_view table) const override {
        std::string name = stored_name(table);
        return fmt::format(
            "CREATE TABLE {} (ID INTEGER NOT NULL, LOCKED BOOLEAN NOT NULL, LOCKGRANTED "
            "TIMESTAMP WITHOUT TIME ZONE, LOCKEDBY VARCHAR(255), CONSTRAINT {} PRIMARY KEY (ID))",
            quote_identifier(name), quote_identifier(name + "_pkey"));
    }

    [[nodiscard]] std::vector<std::string>
    render_change(const Change& change, const RenderContext& context) const override {
        switch (change.kind) {
        case ChangeKind::AddPrimaryKey:
            if (change.value("constraintName").empty()) {
                // Unnamed, as Liquibase writes it: the server names it <table>_pkey.
                std::string columns;
                for (const std::string& column : split_names(change.value("columnNames")))
                    columns += (columns.empty() ? "" : ", ") + quote_identifier(column);
                return {fmt::format("ALTER TABLE {} ADD PRIMARY KEY ({})",
                                    qualified(change, "tableName"), columns)};
            }
            break;
        case ChangeKind::DropPrimaryKey:
            if (change.value("constraintName").empty()) {
                // The key's name is whatever the server or an earlier tool chose: look it up.
                std::string table = qualified(change, "tableName");
                std::string statement = "ALTER TABLE ";
                for (char c : table)
                    statement +=
                        c == '%' ? std::string("%%") : std::string(1, c); // format() escapes
                statement += " DROP CONSTRAINT %I";
                return {fmt::format(
                    "DO $strata$ DECLARE key_name TEXT; BEGIN SELECT conname INTO key_name FROM "
                    "pg_catalog.pg_constraint WHERE conrelid = CAST({} AS regclass) AND contype = "
                    "'p'; EXECUTE format({}, key_name); END $strata$",
                    quote_literal(table), quote_literal(statement))};
            }
            break;
        case ChangeKind::DropIndex: {
            // An index lives in its table's schema: qualify it as the table would be.
            const std::string* schema = change.get("schemaName");
            if (schema == nullptr || schema->empty() || change.value("indexName").empty())
                break; // unqualified, or the base reports the missing attribute
            return {fmt::format("DROP INDEX {}.{}", quote_identifier(*schema),
                                quote_identifier(change.value("indexName")))};
        }
        default:
            break;
        }
        if (std::optional<std::vector<std::string>> own = render_alter(change, context))
            return *own;
        return AnsiDialect::render_change(change, context);
    }

    // The change types beyond the ANSI base that PostgreSQL runs natively.
    [[nodiscard]] std::optional<std::string> unsupported(const Change& change) const override {
        switch (change.kind) {
        case ChangeKind::AddAutoIncrement:
        case ChangeKind::AddDefaultValue:
        case ChangeKind::AddLookupTable:
        case ChangeKind::AddNotNullConstraint:
        case ChangeKind::AlterSequence:
        case ChangeKind::CreateProcedure:
        case ChangeKind::CreateSequence:
        case ChangeKind::DropAllForeignKeyConstraints:
        case ChangeKind::DropDefaultValue:
        case ChangeKind::DropNotNullConstraint:
        case ChangeKind::DropProcedure:
        case ChangeKind::DropSequence:
        case ChangeKind::MergeColumns:
        case ChangeKind::ModifyDataType:
        case ChangeKind::RenameSequence:
        case ChangeKind::RenameView:
        case ChangeKind::SetColumnRemarks:
        case ChangeKind::SetTableRemarks:
            return std::nullopt;
        default:
            return AnsiDialect::unsupported(change);
        }
    }

    bool acquire_native_lock(Connection& connection, const RunLockRequest& request) override {
        auto deadline = std::chrono::steady_clock::now() + request.wait;
        ResultSet schema = connection.query("SELECT current_schema()");
        std::string scope = schema.rows.empty() ? std::string() : schema.rows[0][0].value_or("");
        std::int64_t key = static_cast<std::int64_t>(
            stable_hash("strata.run_lock:" + scope + "." + stored_name(request.lock_table)));
        while (true) {
            ResultSet taken = connection.query(fmt::format("SELECT pg_try_advisory_lock({})", key));
            if (!taken.rows.empty() && is_truthy(taken.rows[0][0]))
                break;
            if (std::chrono::steady_clock::now() >= deadline)
                throw Error(ErrorKind::Lock,
                            fmt::format("could not acquire the change log lock: another session "
                                        "holds the PostgreSQL advisory lock {} of {}.{}",
                                        key, scope, stored_name(request.lock_table)),
                            {},
                            "wait for the other run to finish, or raise "
                            "--changelog-lock-wait-time-in-minutes");
            std::this_thread::sleep_for(request.poll);
        }
        advisory_key_ = key;
        return true;
    }

    void release_native_lock(Connection& connection) noexcept override {
        if (!advisory_key_)
            return;
        try {
            connection.query(fmt::format("SELECT pg_advisory_unlock({})", *advisory_key_));
        } catch (...) {
            // Best effort: the server drops the lock when the session ends anyway.
        }
        advisory_key_.reset();
    }

protected:
    [[nodiscard]] std::string datetime_type() const override {
        return "TIMESTAMP WITHOUT TIME ZONE";
    }
    [[nodiscard]] std::string large_text_type() const override { return "TEXT"; }

    // Liquibase's PostgreSQL type mapping (liquibase.datatype.core.*, PostgreSQL >= 10).
    [[nodiscard]] std::string column_type(std::string_view liquibase_type) const override {
        LiquibaseType type = parse_liquibase_type(liquibase_type);
        const std::string& n = type.name;
        std::string extra_upper = to_upper(type.extra);
        if (n == "INT" || n == "INTEGER" || n == "INT4")
            return type.with_extra("INTEGER");
        if (n == "BIGINT" || n == "INT8" || n == "INTEGER8")
            return type.with_extra("BIGINT");
        if (n == "SMALLINT" || n == "INT2" || n == "TINYINT")
            return type.with_extra("SMALLINT");
        if (n == "MEDIUMINT")
            return type.with_extra("INTEGER");
        if (n == "BOOLEAN" || n == "BOOL")
            return "BOOLEAN";
        if (n == "BIT")
            return "BIT" + type.parameters;
        if (n == "VARCHAR" || n == "VARCHAR2" || n == "NVARCHAR" || n == "NVARCHAR2" ||
            (n == "CHARACTER" && extra_upper.starts_with("VARYING")))
            return "VARCHAR" + type.parameters;
        if (n == "CHAR" || n == "CHARACTER" || n == "NCHAR" || n == "BPCHAR")
            return "CHAR" + type.parameters;
        if (n == "TEXT" || n == "CLOB" || n == "NCLOB" || n == "LONGTEXT" || n == "MEDIUMTEXT" ||
            n == "TINYTEXT" || n == "LONGVARCHAR" || n == "NTEXT")
            return "TEXT";
        if (n == "BLOB")
            return "OID"; // Liquibase's choice for blob on PostgreSQL (large objects)
        if (n == "BYTEA" || n == "BINARY" || n == "VARBINARY" || n == "LONGVARBINARY" ||
            n == "LONGBLOB" || n == "MEDIUMBLOB" || n == "TINYBLOB" || n == "IMAGE")
            return "BYTEA";
        if (n == "DATE")
            return "DATE";
        if (n == "TIMESTAMPTZ" || ((n == "DATETIME" || n == "TIMESTAMP") &&
                                   extra_upper.find("WITH TIME ZONE") != std::string::npos &&
                                   extra_upper.find("WITHOUT") == std::string::npos))
            return "TIMESTAMP" + type.parameters + " WITH TIME ZONE";
        if (n == "DATETIME" || n == "TIMESTAMP" || n == "DATETIME2" || n == "SMALLDATETIME")
            return "TIMESTAMP" + type.parameters + " WITHOUT TIME ZONE";
        if (n == "TIMETZ" ||
            (n == "TIME" && extra_upper.find("WITH TIME ZONE") != std::string::npos &&
             extra_upper.find("WITHOUT") == std::string::npos))
            return "TIME" + type.parameters + " WITH TIME ZONE";
        if (n == "TIME")
            return "TIME" + type.parameters + " WITHOUT TIME ZONE";
        if (n == "DECIMAL")
            return "DECIMAL" + type.parameters;
        if (n == "NUMBER" || n == "NUMERIC")
            return "NUMERIC" + type.parameters;
        if (n == "CURRENCY" || n == "MONEY" || n == "SMALLMONEY")
            return "DECIMAL";
        if (n == "DOUBLE" || n == "FLOAT8")
            return "DOUBLE PRECISION";
        if (n == "REAL" || n == "FLOAT4")
            return "REAL";
        if (n == "FLOAT")
            return "FLOAT" + type.parameters;
        if (n == "UUID" || n == "UNIQUEIDENTIFIER")
            return "UUID";
        return type.raw; // jsonb, int[], serial, … : PostgreSQL's own names pass through
    }

    // autoIncrement as Liquibase writes it for PostgreSQL 10+: an identity column.
    [[nodiscard]] std::string column_definition(const Column& column,
                                                bool inline_primary_key) const override {
        std::string sql = AnsiDialect::column_definition(column, inline_primary_key);
        const std::string* auto_increment = column.get("autoIncrement");
        if (auto_increment == nullptr || *auto_increment != "true")
            return sql;
        std::string identity = " GENERATED BY DEFAULT AS IDENTITY";
        const std::string* start = column.get("startWith");
        const std::string* step = column.get("incrementBy");
        if (start || step) {
            std::vector<std::string> options;
            if (start)
                options.push_back("START WITH " + *start);
            if (step)
                options.push_back("INCREMENT BY " + *step);
            identity += fmt::format(" ({})", fmt::join(options, " "));
        }
        // The base definition starts with "<name> <type>": the identity clause follows the type.
        std::string head = quote_identifier(column.name()) + " " + column_type(*column.get("type"));
        return sql.insert(head.size(), identity);
    }

    [[nodiscard]] std::vector<std::string>
    render_create_table(const Change& change) const override {
        bool named = false;
        Column* first_key = nullptr;
        Change copy = change;
        for (Column& column : copy.columns) {
            if (!column.constraint_flag("primaryKey"))
                continue;
            named = named || column.constraint("primaryKeyName") != nullptr;
            if (first_key == nullptr)
                first_key = &column;
        }
        if (first_key == nullptr || named)
            return AnsiDialect::render_create_table(change);
        // Liquibase names the key <table>_pkey on PostgreSQL, as the server itself would.
        (*first_key->constraints)["primaryKeyName"] = change.value("tableName") + "_pkey";
        return AnsiDialect::render_create_table(copy);
    }

    // What a drop or type change destroys, read from pg_catalog as the statements that put
    // it back: PostgreSQL prints its own definitions (pg_get_indexdef, pg_get_constraintdef,
    // pg_get_viewdef, format_type), so nothing is reconstructed by hand.
    [[nodiscard]] std::vector<std::string> restore_statements(Connection& connection,
                                                              const Change& change) const override {
        auto rows = [&](const std::string& sql) { return connection.query(sql).rows; };
        auto table_of = [&](std::string_view key) {
            return quote_literal(stored_name(change.value(key)));
        };
        const std::string in_schema = "n.nspname = current_schema()";
        // Every constraint of a table (optionally one name, one kind), as ADD CONSTRAINT.
        auto constraints = [&](std::string_view table_key, const std::string& name,
                               const std::string& kinds) {
            std::vector<std::string> statements;
            for (const Row& row : rows(fmt::format(
                     "SELECT c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c JOIN "
                     "pg_class t ON "
                     "c.conrelid = t.oid JOIN pg_namespace n ON t.relnamespace = n.oid WHERE {} "
                     "AND t.relname "
                     "= {} AND c.contype IN ({}){} ORDER BY c.contype DESC, c.conname",
                     in_schema, table_of(table_key), kinds,
                     name.empty() ? std::string()
                                  : " AND c.conname = " + quote_literal(stored_name(name)))))
                statements.push_back(fmt::format("ALTER TABLE {} ADD CONSTRAINT {} {}",
                                                 qualified(change, table_key),
                                                 quote_identifier(*row[0]), *row[1]));
            return statements;
        };
        // A column as ADD COLUMN would declare it: type, default and NOT NULL when it has a
        // default.
        auto column_definition_of = [&](const std::string& column) -> std::optional<std::string> {
            auto found = rows(fmt::format(
                "SELECT format_type(a.atttypid, a.atttypmod), a.attnotnull, pg_get_expr(d.adbin, "
                "d.adrelid) "
                "FROM pg_attribute a JOIN pg_class t ON a.attrelid = t.oid JOIN pg_namespace n ON "
                "t.relnamespace = n.oid LEFT JOIN pg_attrdef d ON d.adrelid = t.oid AND d.adnum = "
                "a.attnum "
                "WHERE {} AND t.relname = {} AND a.attname = {} AND NOT a.attisdropped",
                in_schema, table_of("tableName"), quote_literal(stored_name(column))));
            if (found.empty())
                return std::nullopt;
            std::string definition = quote_identifier(column) + " " + *found[0][0];
            if (found[0][2])
                definition += " DEFAULT " + *found[0][2];
            // NOT NULL comes back only with a default: the restored column has no data.
            if (found[0][1].value_or("f") == "t" && found[0][2])
                definition += " NOT NULL";
            return definition;
        };
        std::string table =
            change.get("tableName") ? qualified(change, "tableName") : std::string();
        switch (change.kind) {
        case ChangeKind::DropIndex: {
            auto found =
                rows(fmt::format("SELECT pg_get_indexdef(c.oid) FROM pg_class c JOIN pg_namespace "
                                 "n ON c.relnamespace = n.oid "
                                 "WHERE {} AND c.relkind = 'i' AND c.relname = {}",
                                 in_schema, quote_literal(stored_name(change.value("indexName")))));
            return found.empty() ? std::vector<std::string>{}
                                 : std::vector<std::string>{*found[0][0]};
        }
        case ChangeKind::DropView: {
            auto found =
                rows(fmt::format("SELECT pg_get_viewdef(c.oid) FROM pg_class c JOIN pg_namespace n "
                                 "ON c.relnamespace = n.oid "
                                 "WHERE {} AND c.relkind = 'v' AND c.relname = {}",
                                 in_schema, quote_literal(stored_name(change.value("viewName")))));
            if (found.empty())
                return {};
            return {fmt::format("CREATE VIEW {} AS {}", scoped(change, "viewName"), *found[0][0])};
        }
        case ChangeKind::DropForeignKeyConstraint:
            return constraints("baseTableName", change.value("constraintName"), "'f'");
        case ChangeKind::DropAllForeignKeyConstraints:
            return constraints("baseTableName", "", "'f'");
        case ChangeKind::DropPrimaryKey:
            return constraints("tableName", change.value("constraintName"), "'p'");
        case ChangeKind::DropUniqueConstraint:
            return constraints("tableName", change.value("constraintName"), "'u'");
        case ChangeKind::DropCheckConstraint:
            return constraints("tableName", change.value("constraintName"), "'c'");
        case ChangeKind::DropDefaultValue: {
            auto found = rows(
                fmt::format("SELECT pg_get_expr(d.adbin, d.adrelid) FROM pg_attrdef d JOIN "
                            "pg_attribute a ON a.attrelid = "
                            "d.adrelid AND a.attnum = d.adnum JOIN pg_class t ON a.attrelid = "
                            "t.oid JOIN pg_namespace n ON "
                            "t.relnamespace = n.oid WHERE {} AND t.relname = {} AND a.attname = {}",
                            in_schema, table_of("tableName"),
                            quote_literal(stored_name(change.value("columnName")))));
            if (found.empty())
                return {};
            return {fmt::format("ALTER TABLE {} ALTER COLUMN {} SET DEFAULT {}", table,
                                quote_identifier(change.value("columnName")), *found[0][0])};
        }
        case ChangeKind::DropNotNullConstraint:
            return {fmt::format("ALTER TABLE {} ALTER COLUMN {} SET NOT NULL", table,
                                quote_identifier(change.value("columnName")))};
        case ChangeKind::ModifyDataType: {
            auto found = rows(fmt::format("SELECT format_type(a.atttypid, a.atttypmod) FROM "
                                          "pg_attribute a JOIN pg_class t ON a.attrelid = "
                                          "t.oid JOIN pg_namespace n ON t.relnamespace = n.oid "
                                          "WHERE {} AND t.relname = {} AND a.attname "
                                          "= {}",
                                          in_schema, table_of("tableName"),
                                          quote_literal(stored_name(change.value("columnName")))));
            if (found.empty())
                return {};
            std::string column = quote_identifier(change.value("columnName"));
            return {fmt::format("ALTER TABLE {} ALTER COLUMN {} TYPE {} USING {}::{}", table,
                                column, *found[0][0], column, *found[0][0])};
        }
        case ChangeKind::DropColumn: {
            std::vector<std::string> names;
            if (const std::string* name = change.get("columnName"))
                names.push_back(*name);
            for (const Column& column : change.columns)
                names.push_back(column.name());
            std::vector<std::string> statements;
            for (const std::string& name : names) {
                if (auto definition = column_definition_of(name))
                    statements.push_back(
                        fmt::format("ALTER TABLE {} ADD COLUMN {}", table, *definition));
            }
            return statements;
        }
        case ChangeKind::DropTable: {
            std::vector<std::string> columns;
            for (const Row& row : rows(fmt::format(
                     "SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, "
                     "pg_get_expr(d.adbin, d.adrelid) FROM pg_attribute a JOIN pg_class t ON "
                     "a.attrelid = t.oid "
                     "JOIN pg_namespace n ON t.relnamespace = n.oid LEFT JOIN pg_attrdef d ON "
                     "d.adrelid = t.oid "
                     "AND d.adnum = a.attnum WHERE {} AND t.relname = {} AND a.attnum > 0 AND NOT "
                     "a.attisdropped ORDER BY a.attnum",
                     in_schema, table_of("tableName")))) {
                std::string column = quote_identifier(*row[0]) + " " + *row[1];
                if (row[3])
                    column += " DEFAULT " + *row[3];
                if (row[2].value_or("f") == "t")
                    column += " NOT NULL";
                columns.push_back(std::move(column));
            }
            if (columns.empty())
                return {};
            std::vector<std::string> statements{
                fmt::format("CREATE TABLE {} ({})", table, fmt::join(columns, ", "))};
            for (std::string& statement : constraints("tableName", "", "'p', 'u', 'c', 'f'"))
                statements.push_back(std::move(statement));
            // Indexes of their own; those behind constraints came back with the constraints.
            for (const Row& row :
                 rows(fmt::format("SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN "
                                  "pg_class t ON i.indrelid = t.oid "
                                  "JOIN pg_namespace n ON t.relnamespace = n.oid WHERE {} AND "
                                  "t.relname = {} AND NOT EXISTS "
                                  "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
                                  in_schema, table_of("tableName"))))
                statements.push_back(*row[0]);
            return statements;
        }
        case ChangeKind::SetTableRemarks:
        case ChangeKind::SetColumnRemarks: {
            bool on_column = change.kind == ChangeKind::SetColumnRemarks;
            auto found = rows(fmt::format(
                "SELECT {} FROM pg_class t JOIN pg_namespace n ON t.relnamespace = n.oid{} WHERE "
                "{} AND "
                "t.relname = {}{}",
                on_column ? "col_description(t.oid, a.attnum)"
                          : "obj_description(t.oid, 'pg_class')",
                on_column ? " JOIN pg_attribute a ON a.attrelid = t.oid" : "", in_schema,
                table_of("tableName"),
                on_column
                    ? " AND a.attname = " + quote_literal(stored_name(change.value("columnName")))
                    : ""));
            std::string previous =
                found.empty() || !found[0][0] ? "NULL" : quote_literal(*found[0][0]);
            return {on_column ? fmt::format("COMMENT ON COLUMN {}.{} IS {}", table,
                                            quote_identifier(change.value("columnName")), previous)
                              : fmt::format("COMMENT ON TABLE {} IS {}", table, previous)};
        }
        default:
            return {};
        }
    }

private:
    /// The DEFAULT of addDefaultValue, whose default* attributes sit on the change itself.
    [[nodiscard]] std::string default_of(const Change& change) const {
        if (const std::string* sequence = change.get("defaultValueSequenceNext"))
            return fmt::format("nextval({})", quote_literal(*sequence));
        Column column;
        column.attributes = change.attributes;
        std::string sql = default_clause(column);
        if (sql.empty())
            throw Error(ErrorKind::Validation,
                        "addDefaultValue needs one of defaultValue, defaultValueNumeric, "
                        "defaultValueBoolean, defaultValueDate, defaultValueComputed or "
                        "defaultValueSequenceNext",
                        change.where);
        return sql;
    }

    [[nodiscard]] std::string sequence_options(const Change& change, bool altering) const {
        std::string sql;
        if (const std::string* type = change.get("dataType"); type && !altering)
            sql += " AS " + column_type(*type);
        if (const std::string* start = change.get("startValue"); start && !altering)
            sql += " START WITH " + *start;
        if (const std::string* step = change.get("incrementBy"))
            sql += " INCREMENT BY " + *step;
        if (const std::string* low = change.get("minValue"))
            sql += " MINVALUE " + *low;
        if (const std::string* high = change.get("maxValue"))
            sql += " MAXVALUE " + *high;
        if (const std::string* cache = change.get("cacheSize"))
            sql += " CACHE " + *cache;
        if (const std::string* cycle = change.get("cycle"))
            sql += *cycle == "true" ? " CYCLE" : " NO CYCLE";
        return sql;
    }

    std::optional<std::vector<std::string>> render_alter(const Change& change,
                                                         const RenderContext& context) const {
        auto table = [&] { return qualified(change, "tableName"); };
        auto column = [&] { return quote_identifier(required_attribute(change, "columnName")); };
        switch (change.kind) {
        case ChangeKind::AddAutoIncrement: {
            std::string generation = change.value("generationType");
            std::vector<std::string> options;
            if (const std::string* start = change.get("startWith"))
                options.push_back("START WITH " + *start);
            if (const std::string* step = change.get("incrementBy"))
                options.push_back("INCREMENT BY " + *step);
            return std::vector<std::string>{fmt::format(
                "ALTER TABLE {} ALTER COLUMN {} ADD GENERATED {} AS IDENTITY{}", table(), column(),
                generation.empty() ? "BY DEFAULT" : to_upper(generation),
                options.empty() ? "" : fmt::format(" ({})", fmt::join(options, " ")))};
        }
        case ChangeKind::AddDefaultValue:
            return std::vector<std::string>{
                fmt::format("ALTER TABLE {} ALTER COLUMN {} SET DEFAULT {}", table(), column(),
                            default_of(change))};
        case ChangeKind::DropDefaultValue:
            return std::vector<std::string>{
                fmt::format("ALTER TABLE {} ALTER COLUMN {} DROP DEFAULT", table(), column())};
        case ChangeKind::AddNotNullConstraint: {
            std::vector<std::string> statements;
            if (const std::string* fill = change.get("defaultNullValue"))
                statements.push_back(fmt::format("UPDATE {} SET {} = {} WHERE {} IS NULL", table(),
                                                 column(), loose_literal(*fill), column()));
            statements.push_back(
                fmt::format("ALTER TABLE {} ALTER COLUMN {} SET NOT NULL", table(), column()));
            return statements;
        }
        case ChangeKind::DropNotNullConstraint:
            return std::vector<std::string>{
                fmt::format("ALTER TABLE {} ALTER COLUMN {} DROP NOT NULL", table(), column())};
        case ChangeKind::ModifyDataType: {
            // USING converts the values the server has no implicit cast for (text to int, ...).
            std::string type = column_type(required_attribute(change, "newDataType"));
            return std::vector<std::string>{
                fmt::format("ALTER TABLE {} ALTER COLUMN {} TYPE {} USING CAST({} AS {})", table(),
                            column(), type, column(), type)};
        }
        case ChangeKind::CreateSequence:
            return std::vector<std::string>{fmt::format("CREATE SEQUENCE {}{}",
                                                        scoped(change, "sequenceName"),
                                                        sequence_options(change, false))};
        case ChangeKind::AlterSequence:
            return std::vector<std::string>{fmt::format("ALTER SEQUENCE {}{}",
                                                        scoped(change, "sequenceName"),
                                                        sequence_options(change, true))};
        case ChangeKind::DropSequence:
            return std::vector<std::string>{
                fmt::format("DROP SEQUENCE {}", scoped(change, "sequenceName"))};
        case ChangeKind::RenameSequence:
            return std::vector<std::string>{
                fmt::format("ALTER SEQUENCE {} RENAME TO {}", scoped(change, "oldSequenceName"),
                            quote_identifier(required_attribute(change, "newSequenceName")))};
        case ChangeKind::RenameView:
            return std::vector<std::string>{
                fmt::format("ALTER VIEW {} RENAME TO {}", scoped(change, "oldViewName"),
                            quote_identifier(required_attribute(change, "newViewName")))};
        case ChangeKind::SetTableRemarks: {
            const std::string* remarks = change.get("remarks");
            return std::vector<std::string>{fmt::format(
                "COMMENT ON TABLE {} IS {}", table(), remarks ? quote_literal(*remarks) : "NULL")};
        }
        case ChangeKind::SetColumnRemarks: {
            const std::string* remarks = change.get("remarks");
            return std::vector<std::string>{
                fmt::format("COMMENT ON COLUMN {}.{} IS {}", table(), column(),
                            remarks ? quote_literal(*remarks) : "NULL")};
        }
        case ChangeKind::DropAllForeignKeyConstraints: {
            // The names are whatever created the keys chose: look them up where they run.
            const std::string* schema = change.get("baseTableSchemaName");
            std::string base = quote_identifier(required_attribute(change, "baseTableName"));
            if (schema && !schema->empty())
                base = quote_identifier(*schema) + "." + base;
            std::string statement = "ALTER TABLE ";
            for (char c : base)
                statement += c == '%' ? std::string("%%") : std::string(1, c);
            statement += " DROP CONSTRAINT %I";
            return std::vector<std::string>{fmt::format(
                "DO $strata$ DECLARE key_name TEXT; BEGIN FOR key_name IN SELECT conname FROM "
                "pg_catalog.pg_constraint WHERE conrelid = CAST({} AS regclass) AND contype = 'f' "
                "LOOP EXECUTE format({}, key_name); END LOOP; END $strata$",
                quote_literal(base), quote_literal(statement))};
        }
        case ChangeKind::AddLookupTable: {
            std::string existing =
                quote_identifier(required_attribute(change, "existingTableName"));
            if (const std::string* schema = change.get("existingTableSchemaName");
                schema && !schema->empty())
                existing = quote_identifier(*schema) + "." + existing;
            std::string lookup = quote_identifier(required_attribute(change, "newTableName"));
            if (const std::string* schema = change.get("newTableSchemaName");
                schema && !schema->empty())
                lookup = quote_identifier(*schema) + "." + lookup;
            std::string from = quote_identifier(required_attribute(change, "existingColumnName"));
            std::string to = quote_identifier(required_attribute(change, "newColumnName"));
            std::string type = change.get("newColumnDataType")
                                   ? column_type(*change.get("newColumnDataType"))
                                   : std::string();
            std::string constraint = change.value("constraintName");
            if (constraint.empty())
                constraint = "FK_" + to_upper(change.value("existingTableName")) + "_" +
                             to_upper(change.value("newTableName"));
            return std::vector<std::string>{
                fmt::format(
                    "CREATE TABLE {} AS SELECT DISTINCT {}{} AS {} FROM {} WHERE {} IS NOT NULL",
                    lookup, type.empty() ? from : "CAST(" + from + " AS " + type,
                    type.empty() ? "" : ")", to, existing, from),
                fmt::format("ALTER TABLE {} ALTER COLUMN {} SET NOT NULL", lookup, to),
                fmt::format("ALTER TABLE {} ADD PRIMARY KEY ({})", lookup, to),
                fmt::format("ALTER TABLE {} ADD CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {} ({})",
                            existing, quote_identifier(constraint), from, lookup, to)};
        }
        case ChangeKind::MergeColumns: {
            std::string first = quote_identifier(required_attribute(change, "column1Name"));
            std::string second = quote_identifier(required_attribute(change, "column2Name"));
            std::string merged = quote_identifier(required_attribute(change, "finalColumnName"));
            return std::vector<std::string>{
                fmt::format("ALTER TABLE {} ADD {} {}", table(), merged,
                            column_type(required_attribute(change, "finalColumnType"))),
                fmt::format("UPDATE {} SET {} = {} || {} || {}", table(), merged, first,
                            quote_literal(change.value("joinString")), second),
                fmt::format("ALTER TABLE {} DROP COLUMN {}", table(), first),
                fmt::format("ALTER TABLE {} DROP COLUMN {}", table(), second)};
        }
        case ChangeKind::CreateProcedure: {
            // The body is one statement: semicolons inside it are PL/pgSQL's, not separators.
            std::string body = change.get("path") ? read_referenced_file(change, "path")
                                                  : required_attribute(change, "procedureText");
            (void)context;
            return std::vector<std::string>{trim(body)};
        }
        case ChangeKind::DropProcedure:
            return std::vector<std::string>{
                fmt::format("DROP PROCEDURE {}", scoped(change, "procedureName"))};
        default:
            return std::nullopt;
        }
    }

    // The name as the server stores it: unquoted names fold to lower case.
    [[nodiscard]] std::string stored_name(std::string_view name) const {
        std::string quoted = quote_identifier(name);
        return quoted.starts_with('"') ? std::string(name) : to_lower(name);
    }

    static std::vector<std::string> split_names(std::string_view list) {
        std::vector<std::string> names;
        std::size_t start = 0;
        while (start <= list.size()) {
            std::size_t comma = list.find(',', start);
            std::string name = trim(list.substr(start, comma - start));
            if (!name.empty())
                names.push_back(name);
            if (comma == std::string_view::npos)
                break;
            start = comma + 1;
        }
        return names;
    }

    std::optional<std::int64_t> advisory_key_;
};

} // namespace

std::unique_ptr<Dialect> make_dialect() {
    return std::make_unique<PostgresDialect>();
}

} // namespace strata::dialect::postgresql
