// SPDX-License-Identifier: Apache-2.0
// An example third-party dialect: SQLite with STRICT tables, served under the URL scheme
// `sqlite-strict:`. It derives from the SDK's ANSI base and overrides only what differs; it
// includes nothing but <strata/...> headers, as any plugin built against the SDK would.
#include <algorithm>
#include <cctype>
#include <strata/plugin.hpp>
#include <string>

namespace example::sqlite_strict {

std::string upper(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return out;
}

class SqliteStrictDialect final : public strata::AnsiDialect {
public:
    // "sqlite" for dbms filters and checksums: the database is SQLite, only its tables differ.
    [[nodiscard]] std::string name() const override { return "sqlite"; }

    [[nodiscard]] strata::Capabilities capabilities() const override {
        strata::Capabilities capabilities;
        capabilities.transactional_ddl = true;
        return capabilities;
    }

    [[nodiscard]] strata::ConnectionSpec
    connection_spec(const strata::ConnectionTarget& target) const override {
        std::string path = target.url.substr(target.url.find(':') + 1);
        if (path.empty())
            throw strata::Error(strata::ErrorKind::Usage,
                                "sqlite-strict: needs a file, e.g. sqlite-strict:app.db");
        return {"sqlite3", "db=" + path, target.url, path};
    }

    void prepare_session(strata::Connection& connection) const override {
        connection.execute("PRAGMA busy_timeout = 60000");
    }

    [[nodiscard]] bool table_exists(strata::Connection& connection,
                                    const strata::TableName& table) const override {
        strata::ResultSet result = connection.query(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND lower(name) = lower(" +
            quote_literal(table.name) + ")");
        return !result.rows.empty() && result.rows[0][0].value_or("0") != "0";
    }

    [[nodiscard]] std::string boolean_literal(bool value) const override {
        return value ? "1" : "0";
    }

    // SQLite has no information_schema: the keys that let an insert roll back come from a pragma.
    [[nodiscard]] std::vector<std::string>
    primary_key_columns(strata::Connection& connection, const std::string& table) const override {
        strata::ResultSet keys =
            connection.query("SELECT name FROM pragma_table_info(" + quote_literal(table) +
                             ") WHERE pk > 0 ORDER BY pk");
        std::vector<std::string> names;
        for (const strata::Row& row : keys.rows)
            names.push_back(row[0].value_or(""));
        return names;
    }

    [[nodiscard]] std::vector<std::string>
    render_change(const strata::Change& change,
                  const strata::RenderContext& context) const override {
        std::vector<std::string> statements = AnsiDialect::render_change(change, context);
        // Only the user's tables: DATABASECHANGELOG keeps Liquibase's VARCHAR columns.
        if (change.kind == strata::ChangeKind::CreateTable) {
            for (std::string& statement : statements)
                statement += " STRICT";
        }
        return statements;
    }

protected:
    // A STRICT table accepts only INT, INTEGER, REAL, TEXT, BLOB and ANY.
    [[nodiscard]] std::string column_type(std::string_view liquibase_type) const override {
        std::string base = upper(liquibase_type.substr(0, liquibase_type.find('(')));
        if (base == "INT" || base == "INTEGER" || base == "BIGINT" || base == "SMALLINT" ||
            base == "BOOLEAN" || base == "TINYINT")
            return "INTEGER";
        if (base == "DECIMAL" || base == "NUMERIC" || base == "DOUBLE" || base == "FLOAT" ||
            base == "REAL")
            return "REAL";
        if (base == "BLOB")
            return "BLOB";
        return "TEXT";
    }

    [[nodiscard]] std::string datetime_type() const override { return "TEXT"; }
};

std::unique_ptr<strata::Dialect> make_dialect() {
    return std::make_unique<SqliteStrictDialect>();
}

} // namespace example::sqlite_strict

STRATA_DIALECT_PLUGIN(example::sqlite_strict, "sqlite-strict", "1.0.0", "sqlite-strict", "sqlite3",
                      example::sqlite_strict::make_dialect)
