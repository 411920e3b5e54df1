// SPDX-License-Identifier: Apache-2.0
// MySQL and MariaDB. DDL is not transactional: every CREATE/ALTER/DROP commits on its own
// (measured on MariaDB 10.11: even INSTANT and INPLACE ALTERs commit), so the engine runs
// changesets statement by statement and reports what a failed changeset left behind. Names are
// quoted with backticks, only where needed, as Liquibase does. The run lock is GET_LOCK —
// the server frees it when the session ends, so a killed run leaves nothing behind — plus
// Liquibase's DATABASECHANGELOGLOCK row (core's LockTable) for interop.
#pragma once

#include "alter_algorithm.hpp"
#include "mysql_dialect.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <fmt/format.h>
#include <map>
#include <optional>
#include <regex>
#include <strata/text.hpp>
#include <string>
#include <vector>

namespace strata::dialect::mysql {

// The words quoted on MySQL and MariaDB: the union of
//  - what Liquibase 4.28 quotes on MariaDB: MySQLDatabase's reserved words, MariaDBDatabase's
//    PERIOD and the MariaDB JDBC driver's DatabaseMetaData.getSQLKeywords(), which Liquibase
//    adds on connecting (read from liquibase-core.jar with javap and from the driver on a
//    MariaDB 10.11 connection);
//  - every word of MariaDB 10.11's information_schema.KEYWORDS that the server refuses as an
//    unquoted table or column name (`CREATE TABLE t (<word> int)` tried for each; e.g.
//    PORTION, MASTER_DEMOTE_TO_REPLICA);
//  - MySQL 8.0's reserved words (LATERAL, FUNCTION, ...).
// Quoting a name changes nothing else on MySQL/MariaDB (its case stays as written either way),
// so a word too many costs nothing and a word too few makes a changeset fail halfway.
// tests/integration/reserved_words_test.cpp checks the server's list against this one.
inline bool mysql_reserved_word(std::string_view name) {
    // Space-separated, with spaces at both ends: " WORD " finds whole words only.
    static constexpr std::string_view kReserved =
        " ACCESSIBLE ADD ADMIN ALL ALTER ANALYZE AND AS ASC ASENSITIVE BEFORE BETWEEN BIGINT "
        "BINARY BLOB BOTH BUCKETS BY CALL CASCADE CASE CHANGE CHAR CHARACTER CHECK CLONE "
        "COLLATE COLUMN COMPONENT CONDITION CONSTRAINT CONTINUE CONVERT CREATE CROSS CUBE "
        "CUME_DIST CURRENT_DATE CURRENT_ROLE CURRENT_TIME CURRENT_TIMESTAMP CURRENT_USER "
        "CURSOR DATABASE DATABASES DAY_HOUR DAY_MICROSECOND DAY_MINUTE DAY_SECOND DEC DECIMAL "
        "DECLARE DEFAULT DEFINITION DELAYED DELETE DELETE_DOMAIN_ID DENSE_RANK DESC DESCRIBE "
        "DESCRIPTION DETERMINISTIC DISTINCT DISTINCTROW DIV DOUBLE DO_DOMAIN_IDS DROP DUAL "
        "EACH ELSE ELSEIF EMPTY ENCLOSED ESCAPED EXCEPT EXCLUDE EXISTS EXIT EXPLAIN FALSE "
        "FETCH FIRST_VALUE FLOAT FLOAT4 FLOAT8 FOLLOWING FOR FORCE FOREIGN FROM FULLTEXT "
        "FUNCTION GENERAL GENERATED GEOMCOLLECTION GET GET_MASTER_PUBLIC_KEY GRANT GROUP "
        "GROUPING GROUPS HAVING HIGH_PRIORITY HISTOGRAM HISTORY HOUR_MICROSECOND HOUR_MINUTE "
        "HOUR_SECOND IF IGNORE IGNORE_DOMAIN_IDS IGNORE_SERVER_IDS IN INDEX INFILE INNER INOUT "
        "INSENSITIVE INSERT INT INT1 INT2 INT3 INT4 INT8 INTEGER INTERSECT INTERVAL INTO "
        "INVISIBLE IO_AFTER_GTIDS IO_BEFORE_GTIDS IS ITERATE JOIN JSON_TABLE KEY KEYS KILL LAG "
        "LAST_VALUE LATERAL LEAD LEADING LEAVE LEFT LIKE LIMIT LINEAR LINES LOAD LOCALTIME "
        "LOCALTIMESTAMP LOCK LOCKED LONG LONGBLOB LONGTEXT LOOP LOW_PRIORITY MASTER_BIND "
        "MASTER_DEMOTE_TO_REPLICA MASTER_DEMOTE_TO_SLAVE MASTER_HEARTBEAT_PERIOD "
        "MASTER_PUBLIC_KEY_PATH MASTER_SSL_VERIFY_SERVER_CERT MATCH MAXVALUE MEDIUMBLOB "
        "MEDIUMINT MEDIUMTEXT MIDDLEINT MINUTE_MICROSECOND MINUTE_SECOND MOD MODIFIES NATURAL "
        "NESTED NOT NOWAIT NO_WRITE_TO_BINLOG NTH_VALUE NTILE NULL NULLS NUMERIC OF OFFSET ON "
        "OPTIMIZE OPTIMIZER_COSTS OPTION OPTIONALLY OR ORDER ORDINALITY ORGANIZATION OTHERS "
        "OUT OUTER OUTFILE OVER PAGE_CHECKSUM PARSE_VCOL_EXPR PARTITION PATH PERCENT_RANK "
        "PERIOD PERSIST PERSIST_ONLY PORTION POSITION PRECEDING PRECISION PRIMARY PROCEDURE "
        "PROCESS PURGE RANGE RANK READ READS READ_WRITE REAL RECURSIVE REFERENCE REFERENCES "
        "REF_SYSTEM_ID REGEXP RELEASE REMOTE RENAME REPEAT REPLACE REQUIRE RESIGNAL RESOURCE "
        "RESPECT RESTART RESTRICT RETURN RETURNING REUSE REVOKE RIGHT RLIKE ROLE ROW ROWS "
        "ROW_NUMBER SCHEMA SCHEMAS SECOND_MICROSECOND SELECT SENSITIVE SEPARATOR SET SHOW "
        "SIGNAL SKIP SLOW SMALLINT SPATIAL SPECIFIC SQL SQLEXCEPTION SQLSTATE SQLWARNING "
        "SQL_BIG_RESULT SQL_CALC_FOUND_ROWS SQL_SMALL_RESULT SRID SSL STARTING "
        "STATS_AUTO_RECALC STATS_PERSISTENT STATS_SAMPLE_PAGES STORED STRAIGHT_JOIN SYSTEM "
        "TABLE TERMINATED THEN THREAD_PRIORITY TIES TINYBLOB TINYINT TINYTEXT TO TRAILING "
        "TRIGGER TRUE UNBOUNDED UNDO UNION UNIQUE UNLOCK UNSIGNED UPDATE USAGE USE USING "
        "UTC_DATE UTC_TIME UTC_TIMESTAMP VALUES VARBINARY VARCHAR VARCHARACTER VARYING VCPU "
        "VIRTUAL VISIBLE WHEN WHERE WHILE WINDOW WITH WRITE XOR YEAR_MONTH ZEROFILL ";
    return kReserved.find(" " + to_upper(name) + " ") != std::string_view::npos;
}

class MysqlDialect final : public AnsiDialect {

public:
    [[nodiscard]] std::string name() const override;

    [[nodiscard]] Capabilities capabilities() const override;

    [[nodiscard]] ConnectionSpec connection_spec(const ConnectionTarget& target) const override;
    [[nodiscard]] std::optional<ScratchNamespace>
    scratch_namespace(const std::string& url, const std::string& name) const override;

    void prepare_session(Connection& connection) const override;

    [[nodiscard]] bool reserved_word(std::string_view name) const override;

    [[nodiscard]] std::string quoted(std::string_view name) const override;

    [[nodiscard]] std::string quote_literal(std::string_view value) const override;

    [[nodiscard]] std::string current_timestamp() const override;

    [[nodiscard]] std::string boolean_literal(bool value) const override;

    [[nodiscard]] bool table_exists(Connection& connection, const TableName& table) const override;

    // The history table as Liquibase creates it on MySQL and MariaDB.
    [[nodiscard]] std::string history_table_ddl(const TableName& table) const override;

    [[nodiscard]] std::string lock_table_ddl(const TableName& table) const override;

    [[nodiscard]] std::vector<std::string>
    render_change(const Change& change, const RenderContext& context) const override;

    // The change types beyond the ANSI base that MySQL runs natively; sequences only on
    // MariaDB (10.3+), which has them.
    [[nodiscard]] std::optional<std::string> unsupported(const Change& change) const override;

    bool acquire_native_lock(Connection& connection, const RunLockRequest& request) override;

    void release_native_lock(Connection& connection) noexcept override;

    // The database from information_schema (snapshot.cpp): every unique key is a unique
    // constraint, sequences (MariaDB 10.3+) are sequences, not tables.
    [[nodiscard]] snapshot::Schema snapshot(Connection& connection,
                                            const snapshot::SnapshotScope& scope) const override;

    // What a change locks, from the measured ALGORITHM/LOCK matrix (lint.cpp).
    [[nodiscard]] std::vector<lint::Rule> lint_rules() const override;
    [[nodiscard]] lint::Assessment lint(const lint::Subject& subject) const override;

    // Online execution (online_alter.cpp): lock_wait_timeout bounds every metadata-lock
    // wait; a refused ALGORITHM/LOCK is replaced by the next form the server names.
    [[nodiscard]] std::vector<std::string>
    lock_timeout_statements(std::chrono::milliseconds timeout) const override;
    [[nodiscard]] lint::Recovery recover(Connection& connection, std::string_view statement,
                                         const Error& error, bool in_transaction) const override;
    // Metadata locks from performance_schema.metadata_locks (rehearse), in lint's words:
    // EXCLUSIVE is "exclusive metadata lock". Empty when performance_schema is off.
    [[nodiscard]] std::vector<lint::HeldLock> held_locks(Connection& connection) const override;
    [[nodiscard]] std::vector<lint::HeldLock> others_locks(Connection& connection) const override;

protected:
    [[nodiscard]] std::vector<IndexColumns> index_columns(Connection& connection,
                                                          const std::string& schema,
                                                          const std::string& table) const override;
    // The PRIMARY index of one table of the current database, named exactly: the server then
    // reads that one table's definition instead of every table on the server.
    [[nodiscard]] std::vector<std::string>
    primary_key_columns(Connection& connection, const std::string& table) const override;
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

    // Computed values as Liquibase writes them (generateDatabaseFunctionValue): the current
    // time spelled any way (current_timestamp..., current_datetime..., now()) becomes NOW().
    [[nodiscard]] std::string computed_value(std::string_view value) const override;

    [[nodiscard]] bool maps_computed_values() const override;

    [[nodiscard]] std::string column_definition(const Column& column,
                                                bool inline_primary_key) const override;

    // MySQL has no named column-level UNIQUE: such columns become table constraints, and an
    // autoIncrement startWith becomes the table's AUTO_INCREMENT option.
    [[nodiscard]] std::vector<std::string> render_create_table(const Change& change) const override;

    [[nodiscard]] std::vector<std::string> render_add_column(const Change& change) const override;

private:
    // The statements of a change, Liquibase's (render.cpp); render_change() adds the online
    // clauses to them when executing safely.
    [[nodiscard]] std::vector<std::string> render_statements(const Change& change,
                                                             const RenderContext& context) const;

    /// Update runs with a lock timeout (set_safety): the change types' ALTERs then name
    /// ALGORITHM and LOCK. Without one (the *-sql commands, --lock-timeout=0) strata writes
    /// exactly Liquibase's SQL.
    [[nodiscard]] bool executes_online() const { return safety_.lock_timeout.count() > 0; }

    /// An ALTER TABLE / CREATE INDEX this dialect gave an online clause: what recover()
    /// needs to ask for the next form when the server refuses it.
    struct OnlineStatement {
        std::string base; ///< the statement without the clause
        StatementKind kind = StatementKind::AlterTable;
        std::string table;
        OnlineForm form;
    };

    /// The statements with the clause of the form the matrix predicts (first_form()).
    [[nodiscard]] std::vector<std::string>
    with_online_clauses(std::vector<std::string> statements) const;
    [[nodiscard]] std::string remember_online(OnlineStatement statement) const;

    /// The server's version (read in prepare_session, or here once when lint connects
    /// without it); MariaDB 10.11 until known.
    [[nodiscard]] ServerFeatures server_features(Connection* connection) const;
    /// The live table the matrix depends on: size, row format, columns and indexes.
    [[nodiscard]] TableFacts table_facts(Connection& connection, const std::string& table) const;
    /// Only whether the table exists and its size: what allowing a blocking form needs.
    [[nodiscard]] TableFacts table_size(Connection& connection, const std::string& table) const;
    /// Whether a blocking form may run on `table`: --allow-blocking-rewrite, or the table is
    /// smaller than large_table_bytes.
    [[nodiscard]] bool may_block(const TableFacts& table) const;

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

    /// strata:expandColumn (the new columns, a trigger function and its trigger) and
    /// strata:contractColumn (the trigger and function dropped, then the old columns);
    /// expand_contract.cpp. nullopt for other changes.
    std::optional<std::vector<std::string>>
    render_expand_contract(const Change& change, const RenderContext& context) const;
    std::optional<std::vector<std::string>> render_alter(const Change& change,
                                                         const RenderContext& context) const;

    [[nodiscard]] std::string boolean_type() const;

    // A CHECK_CLAUSE with the backticks off the names that need none.
    [[nodiscard]] std::string plain_check_clause(std::string_view clause) const;

    std::vector<std::string> extract_named_uniques(Change& change) const;

    // Learned from the URL scheme and the server (prepare_session); the dialect object
    // serves one connection.
    mutable bool mariadb_ = true;
    /// The URL asked for TLS (sslMode=REQUIRED, useSSL=true, ...): prepare_session checks
    /// that the session really is encrypted.
    mutable bool require_tls_ = false;

    mutable bool no_backslash_escapes_ = false;
    // What name() says: from the URL scheme until connected, then from the server.
    mutable bool dbms_mariadb_ = false;

    std::string lock_name_;

    mutable std::optional<ServerFeatures> server_;
    mutable std::map<std::string, OnlineStatement, std::less<>> online_statements_;
};

} // namespace strata::dialect::mysql
