// SPDX-License-Identifier: Apache-2.0
// SQLite: the embedded default. DDL is transactional, so a changeset and its history row
// commit together. The run lock is flock(2) on the database file — released by the kernel
// when a process dies — plus Liquibase's DATABASECHANGELOGLOCK row for interop.
#include "sqlite_dialect.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <thread>
#include <unistd.h>

namespace strata::dialect::sqlite {
namespace {

std::string upper(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return out;
}

std::string trim(std::string_view text) {
    auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos)
        return {};
    auto last = text.find_last_not_of(" \t\r\n");
    return std::string(text.substr(first, last - first + 1));
}

// "(12,2)" -> "(12, 2)", as Liquibase writes type parameters.
std::string type_parameters(std::string_view raw) {
    std::string out;
    for (char c : raw) {
        if (c == ' ')
            continue;
        out += c;
        if (c == ',')
            out += ' ';
    }
    return out;
}

class SqliteDialect final : public AnsiDialect {
public:
    ~SqliteDialect() override {
        if (lock_fd_ >= 0)
            ::close(lock_fd_); // after the connection is gone: see acquire_run_lock
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
        connection.execute("PRAGMA foreign_keys = ON");
    }

    [[nodiscard]] std::optional<std::string> unsupported(const Change& change) const override {
        switch (change.kind) {
        case ChangeKind::AddForeignKeyConstraint:
        case ChangeKind::DropForeignKeyConstraint:
        case ChangeKind::AddPrimaryKey:
        case ChangeKind::DropPrimaryKey:
        case ChangeKind::AddUniqueConstraint:
        case ChangeKind::DropUniqueConstraint:
        case ChangeKind::AddCheckConstraint:
        case ChangeKind::DropCheckConstraint:
            return fmt::format(
                "{} is not supported on sqlite yet: SQLite has no such ALTER TABLE and "
                "the table rebuild is not implemented",
                change.type_name());
        default:
            return AnsiDialect::unsupported(change);
        }
    }

    [[nodiscard]] std::vector<std::string> render(const Change& change,
                                                  const RenderContext& context) const override {
        if (change.kind == ChangeKind::CreateView && change.flag("replaceIfExists")) {
            Change plain = change;
            plain.attributes.erase("replaceIfExists");
            std::vector<std::string> statements{
                fmt::format("DROP VIEW IF EXISTS {}", qualified(change, "viewName"))};
            for (std::string& statement : AnsiDialect::render(plain, context))
                statements.push_back(std::move(statement));
            return statements;
        }
        return AnsiDialect::render(change, context);
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

    void acquire_run_lock(Connection& connection, const RunLockRequest& request) override {
        if (!request.target.database_file.empty())
            lock_file(request);
        // Holding the file lock proves no other strata process is running, so a row left by
        // a strata process that was killed may be taken over.
        acquire_lock_row(connection, request, lock_fd_ >= 0);
    }

protected:
    [[nodiscard]] std::string column_type(std::string_view liquibase_type) const override {
        std::string type = trim(liquibase_type);
        std::size_t paren = type.find('(');
        std::string base = upper(trim(type.substr(0, paren)));
        std::string parameters =
            paren == std::string::npos ? "" : type_parameters(type.substr(paren));
        if (base == "INT" || base == "INTEGER" || base == "INT4" || base == "SMALLINT" ||
            base == "TINYINT" || base == "MEDIUMINT")
            return "INTEGER";
        if (base == "DATETIME" || base == "TIMESTAMP" || base == "TIME" || base == "UUID" ||
            base == "CLOB" || base == "TEXT" || base == "NCLOB")
            return "TEXT";
        return base + parameters;
    }

    [[nodiscard]] std::string datetime_type() const override { return "TEXT"; }

    [[nodiscard]] std::string default_clause(const Column& column) const override {
        if (const std::string* computed = column.get("defaultValueComputed")) {
            std::string expression = upper(trim(*computed));
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
                                quote_identifier(name ? *name : "PK_" + upper(table))));
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
        return {fmt::format("CREATE TABLE {} ({})", qualified(change, "tableName"),
                            fmt::join(parts, ", "))};
    }

private:
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
