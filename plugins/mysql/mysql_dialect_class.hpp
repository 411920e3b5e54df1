// SPDX-License-Identifier: Apache-2.0
// MySQL and MariaDB. DDL is not transactional: every CREATE/ALTER/DROP commits on its own
// (measured on MariaDB 10.11: even INSTANT and INPLACE ALTERs commit), so the engine runs
// changesets statement by statement and reports what a failed changeset left behind. Names are
// quoted with backticks, only where needed, as Liquibase does. The run lock is GET_LOCK —
// the server frees it when the session ends, so a killed run leaves nothing behind — plus
// Liquibase's DATABASECHANGELOGLOCK row (core's LockTable) for interop.
#pragma once

#include "mysql_dialect.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <fmt/format.h>
#include <optional>
#include <strata/text.hpp>
#include <string>
#include <vector>

namespace strata::dialect::mysql {

// Reserved words of MySQL 8.0 and MariaDB 10.11: a name among them must be quoted.
inline bool mysql_reserved_word(std::string_view name) {
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

class MysqlDialect final : public AnsiDialect {

public:
    [[nodiscard]] std::string name() const override;

    [[nodiscard]] Capabilities capabilities() const override;

    [[nodiscard]] ConnectionSpec connection_spec(const ConnectionTarget& target) const override;

    void prepare_session(Connection& connection) const override;

    [[nodiscard]] bool reserved_word(std::string_view name) const override;

    [[nodiscard]] std::string quoted(std::string_view name) const override;

    [[nodiscard]] std::string quote_literal(std::string_view value) const override;

    [[nodiscard]] std::string current_timestamp() const override;

    [[nodiscard]] std::string boolean_literal(bool value) const override;

    [[nodiscard]] bool table_exists(Connection& connection, std::string_view table) const override;

    // The history table as Liquibase creates it on MySQL and MariaDB.
    [[nodiscard]] std::string history_table_ddl(std::string_view table) const override;

    [[nodiscard]] std::string lock_table_ddl(std::string_view table) const override;

    [[nodiscard]] std::vector<std::string>
    render_change(const Change& change, const RenderContext& context) const override;

    // The change types beyond the ANSI base that MySQL runs natively; sequences only on
    // MariaDB (10.3+), which has them.
    [[nodiscard]] std::optional<std::string> unsupported(const Change& change) const override;

    bool acquire_native_lock(Connection& connection, const RunLockRequest& request) override;

    void release_native_lock(Connection& connection) noexcept override;

protected:
    // MySQL calls the current schema the current database.
    [[nodiscard]] std::string current_schema_expression() const override;

    [[nodiscard]] std::string datetime_type() const override;

    [[nodiscard]] std::string large_text_type() const override;

    // MySQL has no ON CONFLICT: a duplicate of any unique key updates the other columns.
    [[nodiscard]] std::string upsert(const std::string& table,
                                     const std::vector<std::string>& columns,
                                     const std::vector<std::string>& values,
                                     const std::vector<std::string>& key_columns) const override;

    // Liquibase's MySQL/MariaDB type mapping (liquibase.datatype.core.*, 4.28).
    [[nodiscard]] std::string column_type(std::string_view liquibase_type) const override;

    [[nodiscard]] std::string column_definition(const Column& column,
                                                bool inline_primary_key) const override;

    // MySQL has no named column-level UNIQUE: such columns become table constraints, and an
    // autoIncrement startWith becomes the table's AUTO_INCREMENT option.
    [[nodiscard]] std::vector<std::string> render_create_table(const Change& change) const override;

    [[nodiscard]] std::vector<std::string> render_add_column(const Change& change) const override;

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
                                                              const Change& change) const override;

    // MODIFY replaces the whole column definition: what the change does not touch must be
    // restated or it is lost (the default, NOT NULL, the comment). The live database says what
    // it is; without one, columnDataType is all there is, as in Liquibase.
    [[nodiscard]] LiveColumn live_column(const Change& change, const RenderContext& context) const;

    [[nodiscard]] std::string modify(const Change& change, const LiveColumn& column) const;

    [[nodiscard]] std::string default_of(const Change& change) const;

    [[nodiscard]] std::string no_cycle_keyword() const override;

    std::optional<std::vector<std::string>> render_alter(const Change& change,
                                                         const RenderContext& context) const;

    [[nodiscard]] std::string boolean_type() const;

    std::vector<std::string> extract_named_uniques(Change& change) const;

    // Learned from the URL scheme and the server (prepare_session); the dialect object
    // serves one connection.
    mutable bool mariadb_ = true;

    mutable bool no_backslash_escapes_ = false;
    // What name() says: from the URL scheme until connected, then from the server.
    mutable bool dbms_mariadb_ = false;

    std::string lock_name_;
};

} // namespace strata::dialect::mysql
