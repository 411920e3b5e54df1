// SPDX-License-Identifier: Apache-2.0
// MySQL and MariaDB. DDL is not transactional: every CREATE/ALTER/DROP commits on its own
// (measured on MariaDB 10.11: even INSTANT and INPLACE ALTERs commit), so the engine runs
// changesets statement by statement and reports what a failed changeset left behind. Names are
// quoted with backticks, only where needed, as Liquibase does. The run lock is GET_LOCK —
// the server frees it when the session ends, so a killed run leaves nothing behind — plus
// Liquibase's DATABASECHANGELOGLOCK row (core's LockTable) for interop.
#include "mysql_dialect.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <fmt/format.h>
#include <strata/text.hpp>

namespace strata::dialect::mysql {
namespace {

// Reserved words of MySQL 8.0 and MariaDB 10.11: a name among them must be quoted.
bool mysql_reserved_word(std::string_view name) {
    // Space-separated, with spaces at both ends: " WORD " finds whole words only.
    static constexpr std::string_view kReserved =
        " ACCESSIBLE ADD ALL ALTER ANALYZE AND AS ASC ASENSITIVE BEFORE BETWEEN BIGINT BINARY "
        "BLOB BOTH BY CALL CASCADE CASE CHANGE CHAR CHARACTER CHECK COLLATE COLUMN CONDITION "
        "CONSTRAINT CONTINUE CONVERT CREATE CROSS CUBE CUME_DIST CURRENT_DATE CURRENT_ROLE "
        "CURRENT_TIME CURRENT_TIMESTAMP CURRENT_USER CURSOR DATABASE DATABASES DAY_HOUR "
        "DAY_MICROSECOND DAY_MINUTE DAY_SECOND DEC DECIMAL DECLARE DEFAULT DELAYED DELETE "
        "DELETE_DOMAIN_ID DENSE_RANK DESC DESCRIBE DETERMINISTIC DISTINCT DISTINCTROW DIV "
        "DO_DOMAIN_IDS DOUBLE DROP DUAL EACH ELSE ELSEIF EMPTY ENCLOSED ESCAPED EXCEPT EXISTS "
        "EXIT EXPLAIN FALSE FETCH FIRST_VALUE FLOAT FLOAT4 FLOAT8 FOR FORCE FOREIGN FROM "
        "FULLTEXT FUNCTION GENERAL GENERATED GET GRANT GROUP GROUPING GROUPS HAVING "
        "HIGH_PRIORITY HOUR_MICROSECOND HOUR_MINUTE HOUR_SECOND IF IGNORE IGNORE_DOMAIN_IDS "
        "IGNORE_SERVER_IDS IN INDEX INFILE INNER INOUT INSENSITIVE INSERT INT INT1 INT2 INT3 "
        "INT4 INT8 INTEGER INTERSECT INTERVAL INTO IO_AFTER_GTIDS IO_BEFORE_GTIDS IS ITERATE "
        "JOIN JSON_TABLE KEY KEYS KILL LAG LAST_VALUE LATERAL LEAD LEADING LEAVE LEFT LIKE "
        "LIMIT LINEAR LINES LOAD LOCALTIME LOCALTIMESTAMP LOCK LONG LONGBLOB LONGTEXT LOOP "
        "LOW_PRIORITY MASTER_BIND MASTER_HEARTBEAT_PERIOD MASTER_SSL_VERIFY_SERVER_CERT MATCH "
        "MAXVALUE MEDIUMBLOB MEDIUMINT MEDIUMTEXT MIDDLEINT MINUTE_MICROSECOND MINUTE_SECOND "
        "MOD MODIFIES NATURAL NOT NO_WRITE_TO_BINLOG NTH_VALUE NTILE NULL NUMERIC OF OFFSET ON "
        "OPTIMIZE OPTIMIZER_COSTS OPTION OPTIONALLY OR ORDER OUT OUTER OUTFILE OVER "
        "PAGE_CHECKSUM PARSE_VCOL_EXPR PARTITION PERCENT_RANK POSITION PRECISION PRIMARY "
        "PROCEDURE PURGE RANGE RANK READ READS READ_WRITE REAL RECURSIVE REF_SYSTEM_ID "
        "REFERENCES REGEXP RELEASE RENAME REPEAT REPLACE REQUIRE RESIGNAL RESTRICT RETURN "
        "RETURNING REVOKE RIGHT RLIKE ROW ROW_NUMBER ROWS SCHEMA SCHEMAS SECOND_MICROSECOND "
        "SELECT SENSITIVE SEPARATOR SET SHOW SIGNAL SLOW SMALLINT SPATIAL SPECIFIC SQL "
        "SQL_BIG_RESULT SQL_CALC_FOUND_ROWS SQL_SMALL_RESULT SQLEXCEPTION SQLSTATE SQLWARNING "
        "SSL STARTING STATS_AUTO_RECALC STATS_PERSISTENT STATS_SAMPLE_PAGES STORED "
        "STRAIGHT_JOIN SYSTEM TABLE TERMINATED THEN TINYBLOB TINYINT TINYTEXT TO TRAILING "
        "TRIGGER TRUE UNDO UNION UNIQUE UNLOCK UNSIGNED UPDATE USAGE USE USING UTC_DATE "
        "UTC_TIME UTC_TIMESTAMP VALUES VARBINARY VARCHAR VARCHARACTER VARYING VIRTUAL WHEN "
        "WHERE WHILE WINDOW WITH WRITE XOR YEAR_MONTH ZEROFILL ";
    return kReserved.find(" " + to_upper(name) + " ") != std::string_view::npos;
}

std::vector<std::string> split_names(std::string_view list) {
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

class MysqlDialect final : public AnsiDialect {
public:
    // Liquibase's short name, which dbms filters, dbms preconditions and properties match:
    // "mariadb" for a MariaDB server (whatever the URL says), else "mysql". Liquibase 4.28 on
    // MariaDB skips dbms="mysql" everywhere and runs dbms="mariadb".
    [[nodiscard]] std::string name() const override { return dbms_mariadb_ ? "mariadb" : "mysql"; }

    [[nodiscard]] Capabilities capabilities() const override {
        Capabilities capabilities;
        capabilities.transactional_ddl = false; // DDL commits implicitly, even when it fails
        return capabilities;
    }

    [[nodiscard]] ConnectionSpec connection_spec(const ConnectionTarget& target) const override {
        ServerUrl url = parse_server_url(target.url);
        if (url.scheme != "mysql" && url.scheme != "mariadb")
            throw Error(
                ErrorKind::Usage,
                fmt::format("the URL '{}' is not a MySQL or MariaDB URL", url.display), {},
                "write mysql://user@host:3306/database or jdbc:mariadb://host:3306/database");
        if (url.database.empty())
            throw Error(ErrorKind::Usage,
                        fmt::format("the URL '{}' names no database", url.display), {},
                        "write mysql://user@host:3306/database");
        if (url.scheme == "mariadb") {
            mariadb_ = true;
            dbms_mariadb_ = true; // until the server says otherwise (prepare_session)
        }

        // --username/--password win over the URL, as they do for Liquibase's JDBC driver.
        std::string user = !target.username.empty() ? target.username
                           : !url.user.empty()      ? url.user
                           : url.parameter("user")  ? *url.parameter("user")
                                                    : std::string();
        std::string password = !target.password.empty()    ? target.password
                               : !url.password.empty()     ? url.password
                               : url.parameter("password") ? *url.parameter("password")
                                                           : std::string();

        // The client library turns "localhost" into the default Unix socket, ignoring the
        // port; a JDBC URL always means TCP, so localhost becomes 127.0.0.1.
        std::string host =
            url.host.empty() || to_lower(url.host) == "localhost" ? "127.0.0.1" : url.host;
        std::string connect =
            fmt::format("host={} port={} db={}", connect_string_value(host),
                        url.port.value_or(3306), connect_string_value(url.database));
        if (!user.empty())
            connect += " user=" + connect_string_value(user);
        if (!password.empty())
            connect += " password=" + connect_string_value(password);
        connect += " charset=utf8mb4";
        for (const auto& [key, value] : url.parameters) {
            std::string name = to_lower(key);
            if (name == "sslca" || name == "sslcert" || name == "sslkey" || name == "sslcapath" ||
                name == "sslcipher" || name == "unix_socket") {
                connect += fmt::format(" {}={}", name, connect_string_value(value));
            } else if (name == "servercert" || name == "serversslcert" ||
                       name == "trustcertificatekeystoreurl") {
                connect += " sslca=" + connect_string_value(value);
            } else if (name == "localsocket") {
                connect += " unix_socket=" + connect_string_value(value);
            } else if (name == "connecttimeout") {
                // JDBC counts milliseconds, the C client seconds.
                long millis = std::strtol(value.c_str(), nullptr, 10);
                connect += fmt::format(" connect_timeout={}", std::max(1L, (millis + 999) / 1000));
            }
            // Every other JDBC parameter tunes the Java driver and means nothing here.
        }

        ConnectionSpec spec;
        spec.soci_backend = "mysql";
        spec.connect_string = std::move(connect);
        spec.display = url.display;
        return spec;
    }

    void prepare_session(Connection& connection) const override {
        // The server decides two things the SQL depends on: MariaDB or MySQL (boolean and
        // uuid types), and whether a backslash in a string literal is an escape.
        ResultSet server = connection.query("SELECT VERSION(), @@SESSION.sql_mode");
        if (!server.rows.empty()) {
            mariadb_ =
                to_upper(server.rows[0][0].value_or("")).find("MARIADB") != std::string::npos;
            dbms_mariadb_ = mariadb_;
            no_backslash_escapes_ =
                to_upper(server.rows[0][1].value_or("")).find("NO_BACKSLASH_ESCAPES") !=
                std::string::npos;
        }
    }

    [[nodiscard]] bool reserved_word(std::string_view name) const override {
        return mysql_reserved_word(name);
    }

    [[nodiscard]] std::string quoted(std::string_view name) const override {
        std::string text = "`";
        for (char c : name)
            text += c == '`' ? std::string("``") : std::string(1, c);
        return text + "`";
    }

    [[nodiscard]] std::string quote_literal(std::string_view value) const override {
        std::string quoted = "'";
        for (char c : value) {
            if (c == '\'')
                quoted += "''";
            else if (c == '\\' && !no_backslash_escapes_)
                quoted += "\\\\";
            else
                quoted += c;
        }
        return quoted + "'";
    }

    [[nodiscard]] std::string current_timestamp() const override { return "NOW()"; }
    [[nodiscard]] std::string boolean_literal(bool value) const override {
        return value ? "1" : "0";
    }

    [[nodiscard]] bool table_exists(Connection& connection, std::string_view table) const override {
        // information_schema compares names case-insensitively, while the tables themselves
        // are case-sensitive on Linux: compare bytes unless the server folds names.
        std::string name = quote_literal(table);
        ResultSet result = connection.query(fmt::format(
            "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND "
            "TABLE_TYPE = "
            "'BASE TABLE' AND (BINARY TABLE_NAME = BINARY {} OR (@@lower_case_table_names <> 0 AND "
            "TABLE_NAME = {}))",
            name, name));
        return !result.rows.empty() && result.rows[0][0].value_or("0") != "0";
    }

    // The history table as Liquibase creates it on MySQL and MariaDB.
    [[nodiscard]] std::string history_table_ddl(std::string_view table) const override {
        return fmt::format("CREATE TABLE {} (ID VARCHAR(255) NOT NULL, AUTHOR VARCHAR(255) NOT "
                           "NULL, FILENAME VARCHAR(255) NOT "
                           "NULL, DATEEXECUTED datetime NOT NULL, ORDEREXECUTED INT NOT NULL, "
                           "EXECTYPE VARCHAR(10) NOT NULL, "
                           "MD5SUM VARCHAR(35) NULL, `DESCRIPTION` VARCHAR(255) NULL, COMMENTS "
                           "VARCHAR(255) NULL, TAG "
                           "VARCHAR(255) NULL, LIQUIBASE VARCHAR(20) NULL, CONTEXTS VARCHAR(255) "
                           "NULL, LABELS VARCHAR(255) "
                           "NULL, DEPLOYMENT_ID VARCHAR(10) NULL)",
                           quote_identifier(table));
    }

    [[nodiscard]] std::string lock_table_ddl(std::string_view table) const override {
        return fmt::format(
            "CREATE TABLE {} (ID INT NOT NULL, `LOCKED` {} NOT NULL, LOCKGRANTED datetime NULL, "
            "LOCKEDBY VARCHAR(255) NULL, CONSTRAINT PK_{} PRIMARY KEY (ID))",
            quote_identifier(table), boolean_type(), to_upper(table));
    }

    [[nodiscard]] std::vector<std::string>
    render_change(const Change& change, const RenderContext& context) const override {
        auto table = [&] { return qualified(change, "tableName"); }; // throws when absent
        auto required = [&](std::string_view attribute) {
            std::string value = change.value(attribute);
            if (value.empty())
                throw Error(ErrorKind::Validation,
                            fmt::format("{} needs the attribute '{}' on mysql", change.type_name(),
                                        attribute),
                            change.where);
            return value;
        };
        switch (change.kind) {
        case ChangeKind::DropIndex:
            // MySQL indexes belong to a table; the statement must name it.
            return {fmt::format("DROP INDEX {} ON {}", quote_identifier(required("indexName")),
                                table())};
        case ChangeKind::DropForeignKeyConstraint:
            return {fmt::format("ALTER TABLE {} DROP FOREIGN KEY {}",
                                quote_identifier(required("baseTableName")),
                                quote_identifier(required("constraintName")))};
        case ChangeKind::AddPrimaryKey: {
            // A MySQL primary key is always named PRIMARY; Liquibase names none.
            std::vector<std::string> columns;
            for (const std::string& column : split_names(required("columnNames")))
                columns.push_back(quote_identifier(column));
            return {fmt::format("ALTER TABLE {} ADD PRIMARY KEY ({})", table(),
                                fmt::join(columns, ", "))};
        }
        case ChangeKind::DropPrimaryKey:
            return {fmt::format("ALTER TABLE {} DROP PRIMARY KEY", table())};
        case ChangeKind::DropUniqueConstraint:
            // A unique constraint is a unique index in MySQL.
            return {fmt::format("ALTER TABLE {} DROP KEY {}", table(),
                                quote_identifier(required("constraintName")))};
        default:
            break;
        }
        if (std::optional<std::vector<std::string>> own = render_alter(change, context))
            return *own;
        return AnsiDialect::render_change(change, context);
    }

    // The change types beyond the ANSI base that MySQL runs natively; sequences only on
    // MariaDB (10.3+), which has them.
    [[nodiscard]] std::optional<std::string> unsupported(const Change& change) const override {
        switch (change.kind) {
        case ChangeKind::AlterSequence:
        case ChangeKind::CreateSequence:
        case ChangeKind::DropSequence:
        case ChangeKind::RenameSequence:
            if (mariadb_)
                return std::nullopt;
            return fmt::format("{} is not supported on MySQL: it has no sequences (MariaDB has)",
                               change.type_name());
        case ChangeKind::AddAutoIncrement:
        case ChangeKind::AddDefaultValue:
        case ChangeKind::AddLookupTable:
        case ChangeKind::AddNotNullConstraint:
        case ChangeKind::CreateProcedure:
        case ChangeKind::DropAllForeignKeyConstraints:
        case ChangeKind::DropDefaultValue:
        case ChangeKind::DropNotNullConstraint:
        case ChangeKind::DropProcedure:
        case ChangeKind::MergeColumns:
        case ChangeKind::ModifyDataType:
        case ChangeKind::RenameView:
        case ChangeKind::SetColumnRemarks:
        case ChangeKind::SetTableRemarks:
            return std::nullopt;
        default:
            return AnsiDialect::unsupported(change);
        }
    }

    bool acquire_native_lock(Connection& connection, const RunLockRequest& request) override {
        ResultSet database = connection.query("SELECT DATABASE()");
        std::string scope =
            database.rows.empty() ? std::string() : database.rows[0][0].value_or("");
        // GET_LOCK names are server-wide: one per database and lock table.
        std::string lock_name =
            fmt::format("strata.run_lock.{:016x}", stable_hash(scope + "." + request.lock_table));
        double seconds = static_cast<double>(request.wait.count()) / 1000.0;
        ResultSet taken = connection.query(
            fmt::format("SELECT GET_LOCK({}, {:.3f})", quote_literal(lock_name), seconds));
        std::optional<std::string> result = taken.rows.empty() ? std::nullopt : taken.rows[0][0];
        if (!result || *result != "1")
            throw Error(
                ErrorKind::Lock,
                fmt::format(
                    "could not acquire the change log lock: another session holds GET_LOCK('{}') "
                    "for {}.{}",
                    lock_name, scope, request.lock_table),
                {},
                "wait for the other run to finish, or raise --changelog-lock-wait-time-in-minutes");
        lock_name_ = lock_name;
        return true;
    }

    void release_native_lock(Connection& connection) noexcept override {
        if (lock_name_.empty())
            return;
        try {
            connection.query(fmt::format("SELECT RELEASE_LOCK({})", quote_literal(lock_name_)));
        } catch (...) {
            // Best effort: the server drops the lock when the session ends anyway.
        }
        lock_name_.clear();
    }

protected:
    // MySQL calls the current schema the current database.
    [[nodiscard]] std::string current_schema_expression() const override { return "DATABASE()"; }
    [[nodiscard]] std::string datetime_type() const override { return "datetime"; }
    [[nodiscard]] std::string large_text_type() const override { return "LONGTEXT"; }

    // MySQL has no ON CONFLICT: a duplicate of any unique key updates the other columns.
    [[nodiscard]] std::string upsert(const std::string& table,
                                     const std::vector<std::string>& columns,
                                     const std::vector<std::string>& values,
                                     const std::vector<std::string>& key_columns) const override {
        std::vector<std::string> updates;
        for (const std::string& column : columns) {
            if (std::find(key_columns.begin(), key_columns.end(), column) == key_columns.end())
                updates.push_back(fmt::format("{0} = VALUES({0})", column));
        }
        if (updates.empty() && !key_columns.empty()) // nothing to update: keep the row as it is
            updates.push_back(fmt::format("{0} = {0}", key_columns.front()));
        return fmt::format("INSERT INTO {} ({}) VALUES ({}) ON DUPLICATE KEY UPDATE {}", table,
                           fmt::join(columns, ", "), fmt::join(values, ", "),
                           fmt::join(updates, ", "));
    }

    // Liquibase's MySQL/MariaDB type mapping (liquibase.datatype.core.*, 4.28).
    [[nodiscard]] std::string column_type(std::string_view liquibase_type) const override {
        LiquibaseType type = parse_liquibase_type(liquibase_type);
        const std::string& n = type.name;
        std::string extra_upper = to_upper(type.extra);
        if (n == "INT" || n == "INTEGER" || n == "INT4")
            return type.with_extra("INT");
        if (n == "BIGINT" || n == "INT8")
            return type.with_extra("BIGINT");
        if (n == "SMALLINT" || n == "INT2")
            return type.with_extra("SMALLINT");
        if (n == "TINYINT")
            return type.with_extra("TINYINT" + type.parameters);
        if (n == "MEDIUMINT")
            return type.with_extra("MEDIUMINT");
        if (n == "BOOLEAN" || n == "BOOL")
            return boolean_type();
        if (n == "BIT")
            return "BIT" + type.parameters;
        if (n == "VARCHAR" || n == "VARCHAR2" ||
            (n == "CHARACTER" && extra_upper.starts_with("VARYING"))) {
            // CHARACTER VARYING(n) [CHARACTER SET x]: the words after VARYING stay.
            std::string rest = n == "CHARACTER" ? trim(type.extra.substr(7)) : type.extra;
            std::string varchar = "VARCHAR" + type.parameters;
            return rest.empty() ? varchar : varchar + " " + rest;
        }
        if (n == "NVARCHAR" || n == "NVARCHAR2")
            return type.with_extra("NVARCHAR" + type.parameters);
        if (n == "CHAR" || n == "CHARACTER")
            return type.with_extra("CHAR" + type.parameters);
        if (n == "NCHAR")
            return type.with_extra("NCHAR" + type.parameters);
        if (n == "TEXT" || n == "TINYTEXT" || n == "MEDIUMTEXT")
            return type.with_extra(n);
        if (n == "NCLOB")
            return "LONGTEXT CHARACTER SET utf8";
        if (n == "CLOB" || n == "LONGTEXT" || n == "LONGVARCHAR" || n == "NTEXT")
            return type.with_extra("LONGTEXT");
        if (n == "BLOB" || n == "TINYBLOB" || n == "MEDIUMBLOB")
            return n;
        if (n == "VARBINARY" || n == "BINARY")
            return n + type.parameters;
        if (n == "LONGBLOB" || n == "LONGVARBINARY" || n == "IMAGE" || n == "BYTEA")
            return "LONGBLOB";
        if (n == "DATE")
            return "DATE";
        if (n == "DATETIME" || n == "TIMESTAMP" || n == "TIME")
            return n + type.parameters;
        if (n == "DATETIME2" || n == "SMALLDATETIME")
            return "DATETIME";
        if (n == "DECIMAL")
            return type.with_extra("DECIMAL" + type.parameters);
        if (n == "NUMBER" || n == "NUMERIC")
            return type.with_extra("NUMERIC" + type.parameters);
        if (n == "CURRENCY" || n == "MONEY" || n == "SMALLMONEY")
            return "DECIMAL";
        if (n == "DOUBLE" || n == "FLOAT8")
            return "DOUBLE";
        if (n == "FLOAT")
            return "FLOAT" + type.parameters;
        if (n == "REAL" || n == "FLOAT4")
            return "REAL";
        if (n == "UUID" || n == "UNIQUEIDENTIFIER")
            return mariadb_ ? "UUID"
                            : "BINARY(16)"; // MariaDB 10.7+ has a UUID type; MySQL does not
        return type.raw; // JSON, ENUM(...), GEOMETRY, … : MySQL's own names pass through
    }

    [[nodiscard]] std::string column_definition(const Column& column,
                                                bool inline_primary_key) const override {
        std::string sql = AnsiDialect::column_definition(column, inline_primary_key);
        const std::string* auto_increment = column.get("autoIncrement");
        if (auto_increment == nullptr || *auto_increment != "true")
            return sql;
        // The base definition starts with "<name> <type>": AUTO_INCREMENT follows the type.
        std::string head = quote_identifier(column.name()) + " " + column_type(*column.get("type"));
        return sql.insert(head.size(), " AUTO_INCREMENT");
    }

    // MySQL has no named column-level UNIQUE: such columns become table constraints, and an
    // autoIncrement startWith becomes the table's AUTO_INCREMENT option.
    [[nodiscard]] std::vector<std::string>
    render_create_table(const Change& change) const override {
        Change copy = change;
        std::vector<std::string> uniques = extract_named_uniques(copy);
        std::vector<std::string> statements = AnsiDialect::render_create_table(copy);
        std::string& create = statements.front();
        for (const std::string& unique : uniques)
            create.insert(create.size() - 1, ", " + unique);
        for (const Column& column : change.columns) {
            const std::string* start = column.get("startWith");
            const std::string* auto_increment = column.get("autoIncrement");
            if (start && auto_increment && *auto_increment == "true")
                create += " AUTO_INCREMENT=" + *start;
        }
        return statements;
    }

    [[nodiscard]] std::vector<std::string> render_add_column(const Change& change) const override {
        Change copy = change;
        std::vector<std::string> uniques = extract_named_uniques(copy);
        std::vector<std::string> statements = AnsiDialect::render_add_column(copy);
        for (const std::string& unique : uniques)
            statements.push_back(
                fmt::format("ALTER TABLE {} ADD {}", qualified(change, "tableName"), unique));
        return statements;
    }

private:
    /// What MODIFY must restate about a column, as the server has it now.
    struct LiveColumn {
        std::string type; ///< COLUMN_TYPE, with its character set and collation
        bool nullable = true;
        std::string default_sql; ///< "" when none
        bool auto_increment = false;
        std::string comment;
    };
    // What a drop or type change destroys, read back from the server as the statements that
    // restore it: SHOW CREATE for tables and views, information_schema for the rest, and the
    // live column definition (live_column) for column changes.
    [[nodiscard]] std::vector<std::string> restore_statements(Connection& connection,
                                                              const Change& change) const override {
        RenderContext live_context;
        live_context.connection = &connection;
        auto rows = [&](const std::string& sql) { return connection.query(sql).rows; };
        auto in_table = [&](std::string_view key) {
            return fmt::format("TABLE_SCHEMA = DATABASE() AND TABLE_NAME = {}",
                               quote_literal(change.value(key)));
        };
        // Index columns in order, with prefix lengths, from information_schema.STATISTICS.
        auto index_columns = [&](const std::string& table_key, const std::string& index) {
            std::vector<std::string> columns;
            for (const Row& row :
                 rows(fmt::format("SELECT COLUMN_NAME, SUB_PART FROM information_schema.STATISTICS "
                                  "WHERE {} AND INDEX_NAME = {} ORDER BY SEQ_IN_INDEX",
                                  in_table(table_key), quote_literal(index))))
                columns.push_back(quote_identifier(*row[0]) + (row[1] ? "(" + *row[1] + ")" : ""));
            return fmt::format("{}", fmt::join(columns, ", "));
        };
        auto foreign_key = [&](const std::string& name) -> std::string {
            auto found = rows(fmt::format(
                "SELECT REFERENCED_TABLE_NAME, UPDATE_RULE, DELETE_RULE FROM "
                "information_schema.REFERENTIAL_CONSTRAINTS "
                "WHERE CONSTRAINT_SCHEMA = DATABASE() AND TABLE_NAME = {} AND CONSTRAINT_NAME = {}",
                quote_literal(change.value("baseTableName")), quote_literal(name)));
            if (found.empty())
                return {};
            std::vector<std::string> columns, referenced;
            for (const Row& row :
                 rows(fmt::format("SELECT COLUMN_NAME, REFERENCED_COLUMN_NAME FROM "
                                  "information_schema.KEY_COLUMN_USAGE WHERE {} AND "
                                  "CONSTRAINT_NAME = {} ORDER BY ORDINAL_POSITION",
                                  in_table("baseTableName"), quote_literal(name)))) {
                columns.push_back(quote_identifier(*row[0]));
                referenced.push_back(quote_identifier(*row[1]));
            }
            return fmt::format(
                "ALTER TABLE {} ADD CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {} ({}) ON UPDATE {} "
                "ON DELETE {}",
                qualified(change, "baseTableName"), quote_identifier(name),
                fmt::join(columns, ", "), quote_identifier(*found[0][0]),
                fmt::join(referenced, ", "), *found[0][1], *found[0][2]);
        };
        std::string table =
            change.get("tableName") ? qualified(change, "tableName") : std::string();
        switch (change.kind) {
        case ChangeKind::DropTable: {
            auto found = rows("SHOW CREATE TABLE " + table);
            return found.empty() ? std::vector<std::string>{}
                                 : std::vector<std::string>{*found[0][1]};
        }
        case ChangeKind::DropView: {
            auto found = rows("SHOW CREATE VIEW " + scoped(change, "viewName"));
            return found.empty() ? std::vector<std::string>{}
                                 : std::vector<std::string>{*found[0][1]};
        }
        case ChangeKind::DropIndex: {
            std::string index = change.value("indexName");
            auto found = rows(
                fmt::format("SELECT NON_UNIQUE FROM information_schema.STATISTICS WHERE {} AND "
                            "INDEX_NAME = {} LIMIT 1",
                            in_table("tableName"), quote_literal(index)));
            if (found.empty())
                return {};
            return {fmt::format("CREATE {}INDEX {} ON {} ({})",
                                found[0][0].value_or("1") == "0" ? "UNIQUE " : "",
                                quote_identifier(index), table, index_columns("tableName", index))};
        }
        case ChangeKind::DropUniqueConstraint:
            return {fmt::format("ALTER TABLE {} ADD CONSTRAINT {} UNIQUE ({})", table,
                                quote_identifier(change.value("constraintName")),
                                index_columns("tableName", change.value("constraintName")))};
        case ChangeKind::DropPrimaryKey:
            return {fmt::format("ALTER TABLE {} ADD PRIMARY KEY ({})", table,
                                index_columns("tableName", "PRIMARY"))};
        case ChangeKind::DropForeignKeyConstraint: {
            std::string statement = foreign_key(change.value("constraintName"));
            return statement.empty() ? std::vector<std::string>{}
                                     : std::vector<std::string>{statement};
        }
        case ChangeKind::DropAllForeignKeyConstraints: {
            std::vector<std::string> statements;
            for (const Row& row : rows(fmt::format(
                     "SELECT CONSTRAINT_NAME FROM information_schema.REFERENTIAL_CONSTRAINTS "
                     "WHERE CONSTRAINT_SCHEMA = DATABASE() AND TABLE_NAME = {}",
                     quote_literal(change.value("baseTableName")))))
                statements.push_back(foreign_key(*row[0]));
            return statements;
        }
        case ChangeKind::DropCheckConstraint: {
            auto found = rows(fmt::format(
                "SELECT CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS WHERE "
                "CONSTRAINT_SCHEMA = DATABASE() AND TABLE_NAME = {} AND CONSTRAINT_NAME = {}",
                quote_literal(change.value("tableName")),
                quote_literal(change.value("constraintName"))));
            if (found.empty())
                return {};
            return {fmt::format("ALTER TABLE {} ADD CONSTRAINT {} CHECK ({})", table,
                                quote_identifier(change.value("constraintName")), *found[0][0])};
        }
        case ChangeKind::DropDefaultValue:
        case ChangeKind::DropNotNullConstraint:
        case ChangeKind::ModifyDataType:
            // MODIFY restates the whole column, so the column as it is now is its own restore.
            return {modify(change, live_column(change, live_context))};
        case ChangeKind::DropColumn: {
            std::vector<std::string> names;
            if (const std::string* name = change.get("columnName"))
                names.push_back(*name);
            for (const Column& column : change.columns)
                names.push_back(column.name());
            std::vector<std::string> statements;
            for (const std::string& name : names) {
                Change one = change;
                one.attributes.insert_or_assign("columnName", name);
                LiveColumn column = live_column(one, live_context);
                // NOT NULL comes back only with a default: the restored column has no data.
                column.nullable = column.nullable || column.default_sql.empty();
                std::string definition = modify(one, column);
                statements.push_back(
                    fmt::format("ALTER TABLE {} ADD COLUMN {}", table,
                                definition.substr(definition.find(" MODIFY ") + 8)));
            }
            return statements;
        }
        default:
            return {};
        }
    }

    // MODIFY replaces the whole column definition: what the change does not touch must be
    // restated or it is lost (the default, NOT NULL, the comment). The live database says what
    // it is; without one, columnDataType is all there is, as in Liquibase.
    [[nodiscard]] LiveColumn live_column(const Change& change, const RenderContext& context) const {
        LiveColumn live;
        std::string table = required_attribute(change, "tableName");
        std::string column = required_attribute(change, "columnName");
        const std::string* written = change.get("columnDataType");
        if (context.connection != nullptr) {
            const std::string* schema = change.get("schemaName");
            ResultSet result = context.connection->query(fmt::format(
                "SELECT COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, EXTRA, COLUMN_COMMENT, "
                "CHARACTER_SET_NAME, COLLATION_NAME FROM information_schema.COLUMNS WHERE "
                "TABLE_SCHEMA = {} AND TABLE_NAME = {} AND COLUMN_NAME = {}",
                schema && !schema->empty() ? quote_literal(*schema) : std::string("DATABASE()"),
                quote_literal(table), quote_literal(column)));
            if (!result.rows.empty()) {
                const Row& row = result.rows[0];
                live.type = row[0].value_or("");
                if (row[5] && row[6])
                    live.type += fmt::format(" CHARACTER SET {} COLLATE {}", *row[5], *row[6]);
                live.nullable = row[1].value_or("YES") == "YES";
                std::string extra = to_upper(row[3].value_or(""));
                live.auto_increment = extra.find("AUTO_INCREMENT") != std::string::npos;
                if (row[2]) {
                    // MariaDB reports defaults as SQL ('text', NULL, current_timestamp());
                    // MySQL as the bare value, flagging expressions DEFAULT_GENERATED.
                    if (mariadb_)
                        live.default_sql = *row[2];
                    else if (extra.find("DEFAULT_GENERATED") != std::string::npos)
                        live.default_sql = "(" + *row[2] + ")";
                    else
                        live.default_sql = quote_literal(*row[2]);
                }
                live.comment = row[4].value_or("");
                if (written != nullptr)
                    live.type = column_type(*written);
                return live;
            }
        }
        if (written == nullptr || written->empty())
            throw Error(ErrorKind::Validation,
                        fmt::format("{} needs columnDataType on mysql: the column {}.{} was not "
                                    "found to read its type",
                                    change.type_name(), table, column),
                        change.where);
        live.type = column_type(*written);
        return live;
    }

    [[nodiscard]] std::string modify(const Change& change, const LiveColumn& column) const {
        std::string sql = fmt::format("ALTER TABLE {} MODIFY {} {}", qualified(change, "tableName"),
                                      quote_identifier(change.value("columnName")), column.type);
        sql += column.nullable ? " NULL" : " NOT NULL";
        if (!column.default_sql.empty() && to_upper(column.default_sql) != "NULL")
            sql += " DEFAULT " + column.default_sql;
        if (column.auto_increment)
            sql += " AUTO_INCREMENT";
        if (!column.comment.empty())
            sql += " COMMENT " + quote_literal(column.comment);
        return sql;
    }

    [[nodiscard]] std::string default_of(const Change& change) const {
        Column column;
        column.attributes = change.attributes;
        std::string sql = default_clause(column);
        if (sql.empty())
            throw Error(ErrorKind::Validation,
                        "addDefaultValue needs one of defaultValue, defaultValueNumeric, "
                        "defaultValueBoolean, defaultValueDate or defaultValueComputed",
                        change.where);
        return sql;
    }

    [[nodiscard]] std::string sequence_options(const Change& change, bool altering) const {
        std::string sql;
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
            sql += *cycle == "true" ? " CYCLE" : " NOCYCLE";
        return sql;
    }

    std::optional<std::vector<std::string>> render_alter(const Change& change,
                                                         const RenderContext& context) const {
        auto table = [&] { return qualified(change, "tableName"); };
        auto column = [&] { return quote_identifier(required_attribute(change, "columnName")); };
        using Statements = std::vector<std::string>;
        switch (change.kind) {
        case ChangeKind::AddAutoIncrement: {
            LiveColumn live = live_column(change, context);
            live.auto_increment = true;
            live.default_sql.clear(); // an AUTO_INCREMENT column has no DEFAULT
            Statements statements{modify(change, live)};
            if (const std::string* start = change.get("startWith"))
                statements.push_back(
                    fmt::format("ALTER TABLE {} AUTO_INCREMENT = {}", table(), *start));
            return statements;
        }
        case ChangeKind::AddDefaultValue:
            return Statements{fmt::format("ALTER TABLE {} ALTER {} SET DEFAULT {}", table(),
                                          column(), default_of(change))};
        case ChangeKind::DropDefaultValue:
            return Statements{
                fmt::format("ALTER TABLE {} ALTER {} DROP DEFAULT", table(), column())};
        case ChangeKind::AddNotNullConstraint: {
            LiveColumn live = live_column(change, context);
            live.nullable = false;
            Statements statements;
            if (const std::string* fill = change.get("defaultNullValue"))
                statements.push_back(fmt::format("UPDATE {} SET {} = {} WHERE {} IS NULL", table(),
                                                 column(), loose_literal(*fill), column()));
            statements.push_back(modify(change, live));
            return statements;
        }
        case ChangeKind::DropNotNullConstraint: {
            LiveColumn live = live_column(change, context);
            live.nullable = true;
            return Statements{modify(change, live)};
        }
        case ChangeKind::SetColumnRemarks: {
            LiveColumn live = live_column(change, context);
            live.comment = change.value("remarks");
            return Statements{modify(change, live)};
        }
        case ChangeKind::ModifyDataType:
            // Exactly Liquibase's statement: MODIFY restates only the new type, so NOT NULL,
            // the default and the comment go unless newDataType repeats them.
            return Statements{fmt::format("ALTER TABLE {} MODIFY {} {}", table(), column(),
                                          column_type(required_attribute(change, "newDataType")))};
        case ChangeKind::SetTableRemarks:
            return Statements{fmt::format("ALTER TABLE {} COMMENT = {}", table(),
                                          quote_literal(change.value("remarks")))};
        case ChangeKind::CreateSequence:
            return Statements{fmt::format("CREATE SEQUENCE {}{}", scoped(change, "sequenceName"),
                                          sequence_options(change, false))};
        case ChangeKind::AlterSequence:
            return Statements{fmt::format("ALTER SEQUENCE {}{}", scoped(change, "sequenceName"),
                                          sequence_options(change, true))};
        case ChangeKind::DropSequence:
            return Statements{fmt::format("DROP SEQUENCE {}", scoped(change, "sequenceName"))};
        case ChangeKind::RenameSequence:
            return Statements{
                fmt::format("RENAME TABLE {} TO {}", scoped(change, "oldSequenceName"),
                            quote_identifier(required_attribute(change, "newSequenceName")))};
        case ChangeKind::RenameView:
            return Statements{
                fmt::format("RENAME TABLE {} TO {}", scoped(change, "oldViewName"),
                            quote_identifier(required_attribute(change, "newViewName")))};
        case ChangeKind::DropAllForeignKeyConstraints: {
            // The names are whatever created the keys chose: read them where they run.
            if (context.connection == nullptr)
                throw Error(ErrorKind::Validation,
                            "dropAllForeignKeyConstraints on mysql reads the key names from the "
                            "database and needs it to render",
                            change.where);
            const std::string* schema = change.get("baseTableSchemaName");
            std::string base_name = required_attribute(change, "baseTableName");
            std::string base = quote_identifier(base_name);
            if (schema && !schema->empty())
                base = quote_identifier(*schema) + "." + base;
            ResultSet keys = context.connection->query(fmt::format(
                "SELECT CONSTRAINT_NAME FROM information_schema.TABLE_CONSTRAINTS WHERE "
                "CONSTRAINT_TYPE = 'FOREIGN KEY' AND TABLE_SCHEMA = {} AND TABLE_NAME = {} ORDER "
                "BY CONSTRAINT_NAME",
                schema && !schema->empty() ? quote_literal(*schema) : std::string("DATABASE()"),
                quote_literal(base_name)));
            Statements statements;
            for (const Row& row : keys.rows)
                statements.push_back(fmt::format("ALTER TABLE {} DROP FOREIGN KEY {}", base,
                                                 quote_identifier(row[0].value_or(""))));
            return statements;
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
            std::string constraint = change.value("constraintName");
            if (constraint.empty())
                constraint = "FK_" + to_upper(change.value("existingTableName")) + "_" +
                             to_upper(change.value("newTableName"));
            // The new column is declared first so that it gets the requested type.
            std::string type = change.get("newColumnDataType")
                                   ? column_type(*change.get("newColumnDataType"))
                                   : std::string();
            std::string create =
                type.empty()
                    ? fmt::format("CREATE TABLE {} AS SELECT DISTINCT {} AS {} FROM {} WHERE {} IS "
                                  "NOT NULL",
                                  lookup, from, to, existing, from)
                    : fmt::format(
                          "CREATE TABLE {} ({} {} NOT NULL) SELECT DISTINCT {} AS {} FROM {} "
                          "WHERE {} IS NOT NULL",
                          lookup, to, type, from, to, existing, from);
            return Statements{
                create, fmt::format("ALTER TABLE {} ADD PRIMARY KEY ({})", lookup, to),
                fmt::format("ALTER TABLE {} ADD CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {} ({})",
                            existing, quote_identifier(constraint), from, lookup, to)};
        }
        case ChangeKind::MergeColumns: {
            std::string first = quote_identifier(required_attribute(change, "column1Name"));
            std::string second = quote_identifier(required_attribute(change, "column2Name"));
            std::string merged = quote_identifier(required_attribute(change, "finalColumnName"));
            return Statements{
                fmt::format("ALTER TABLE {} ADD {} {}", table(), merged,
                            column_type(required_attribute(change, "finalColumnType"))),
                fmt::format("UPDATE {} SET {} = CONCAT({}, {}, {})", table(), merged, first,
                            quote_literal(change.value("joinString")), second),
                fmt::format("ALTER TABLE {} DROP COLUMN {}", table(), first),
                fmt::format("ALTER TABLE {} DROP COLUMN {}", table(), second)};
        }
        case ChangeKind::CreateProcedure: {
            // The body is one statement: its semicolons are the routine's, not separators
            // (no DELIMITER is needed through the client API).
            std::string body = change.get("path") ? read_referenced_file(change, "path")
                                                  : required_attribute(change, "procedureText");
            return Statements{trim(body)};
        }
        case ChangeKind::DropProcedure:
            return Statements{fmt::format("DROP PROCEDURE {}", scoped(change, "procedureName"))};
        default:
            return std::nullopt;
        }
    }

    [[nodiscard]] std::string boolean_type() const {
        // Liquibase 4.28: TINYINT(1) on MariaDB, plain TINYINT on MySQL.
        return mariadb_ ? "TINYINT(1)" : "TINYINT";
    }

    std::vector<std::string> extract_named_uniques(Change& change) const {
        std::vector<std::string> uniques;
        for (Column& column : change.columns) {
            const std::string* name = column.constraint("uniqueConstraintName");
            if (name == nullptr || !column.constraint_flag("unique") ||
                column.constraint_flag("primaryKey"))
                continue;
            uniques.push_back(fmt::format("CONSTRAINT {} UNIQUE ({})", quote_identifier(*name),
                                          quote_identifier(column.name())));
            column.constraints->erase("unique");
            column.constraints->erase("uniqueConstraintName");
        }
        return uniques;
    }

    // Learned from the URL scheme and the server (prepare_session); the dialect object
    // serves one connection.
    mutable bool mariadb_ = true;
    mutable bool no_backslash_escapes_ = false;
    // What name() says: from the URL scheme until connected, then from the server.
    mutable bool dbms_mariadb_ = false;
    std::string lock_name_;
};

} // namespace

std::unique_ptr<Dialect> make_dialect() {
    return std::make_unique<MysqlDialect>();
}

} // namespace strata::dialect::mysql
