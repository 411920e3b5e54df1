// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "strata/change.hpp"
#include "strata/changelog.hpp"
#include "strata/connection.hpp"
#include "strata/export.hpp"
#include "strata/lint.hpp"
#include "strata/snapshot.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace strata {

/// A server URL split into its parts, for dialects of client/server databases:
/// `scheme://user:password@host:port/database?name=value&...`, the same behind `jdbc:`, and
/// JDBC's short form `jdbc:scheme:database`. Parts are percent-decoded. The password may hold
/// an unencoded '@' (the last '@' before the query ends the user part), '/', and a '?' not
/// followed by name=value before that '@'; '#' and '%' are safest percent-encoded. A URL that
/// fails to parse is shown with everything between "//" and its last '@' masked.
struct STRATA_API ServerUrl {
    std::string scheme; ///< lower case, without "jdbc:"
    bool jdbc = false;
    std::string user;
    std::string password;
    std::string host; ///< without the brackets of an IPv6 address; empty when absent
    std::optional<int> port;
    std::string database;
    std::vector<std::pair<std::string, std::string>> parameters; ///< in URL order
    /// The URL as written, with the password and every password-like parameter masked.
    std::string display;

    /// The last value of a parameter, compared case-insensitively; nullptr when absent.
    [[nodiscard]] const std::string* parameter(std::string_view name) const;
};

/// Parses a server URL; throws Error{Usage} whose message never holds the password.
STRATA_API ServerUrl parse_server_url(std::string_view url);

/// What the user asked to connect to. The password is kept out of every message.
struct ConnectionTarget {
    std::string url;
    std::string username;
    std::string password;
    /// --default-schema-name: where unqualified objects and the history tables go instead
    /// of the URL's schema (PostgreSQL: the session's search_path; MySQL/MariaDB: the
    /// database). "" keeps the URL's.
    std::string default_schema;
    /// --liquibase-schema-name: where the history and lock tables go; "" beside the objects.
    /// A dialect with one schema (SQLite: main) refuses another.
    std::string liquibase_schema;
};

/// A table by name, in a schema or (schema empty) in the default one. The tables Liquibase and
/// strata keep for themselves (history, lock, captures, progress) live in the schema
/// --liquibase-schema-name names. Made from a bare name where the default schema is meant.
struct TableName {
    // NOLINTBEGIN(google-explicit-constructor): a bare name is a TableName
    TableName(std::string_view table) : name(table) {}
    TableName(const std::string& table) : name(table) {}
    TableName(const char* table) : name(table) {}
    // NOLINTEND(google-explicit-constructor)
    TableName(std::string_view in_schema, std::string_view table)
        : schema(in_schema), name(table) {}
    std::string schema;
    std::string name;
};

/// Who a server URL connects as.
struct Credentials {
    std::string user;
    std::string password;
};

/// --username/--password win over the URL's `user:password@`, which wins over its `user=` and
/// `password=` parameters, as with Liquibase's JDBC drivers.
STRATA_API Credentials resolve_credentials(const ServerUrl& url, const ConnectionTarget& target);

/// How core opens the connection a dialect asked for.
struct ConnectionSpec {
    std::string soci_backend;   ///< "sqlite3", "postgresql", "mysql"
    std::string connect_string; ///< may contain the password: never print it
    std::string display;        ///< the URL with the password masked, for output
    std::string database_file;  ///< file-based databases only (SQLite): the file path
};

struct Capabilities {
    /// DDL can be rolled back, so a changeset and its history row commit together.
    bool transactional_ddl = false;
    /// Rendering reads the live schema (SQLite's table rebuild). The *-sql commands then run
    /// what they print inside a transaction they roll back, so that each render sees the
    /// schema the statements before it make.
    bool renders_from_schema = false;
};

/// A statement that starts with this comment runs outside the changeset's transaction, and so
/// do the others of its changeset (PostgreSQL's VALIDATE CONSTRAINT after an ADD ... NOT VALID,
/// which only helps when it commits apart). Dialects emit it; users may write it in raw SQL.
inline constexpr std::string_view kOwnTransactionMarker = "/* strata:own-transaction */";

/// What a render may need besides the change itself.
struct RenderContext {
    std::string changelog_dir;
    /// The live database, for dialects that must read the current schema to render (SQLite's
    /// table rebuild). Null when rendering without a database; such renders then fail clearly.
    Connection* connection = nullptr;
    /// The changeset's objectQuotingStrategy; strata's own tables are always LEGACY.
    ObjectQuoting quoting = ObjectQuoting::Legacy;
    /// How many changes of the changeset run on this database: a dialect renders a change
    /// that must leave the transaction (an index built CONCURRENTLY) only when it is alone,
    /// so that no other change loses its atomicity. 0 when unknown.
    std::size_t changes_in_changeset = 0;
};

/// A scratch place beside the user's database (drift's shadow): created, used through `url`,
/// then dropped. `file` is a file to delete afterwards (SQLite), "" when there is none.
struct ScratchNamespace {
    std::vector<std::string> create_sql; ///< run on a connection to the user's database
    std::vector<std::string> drop_sql;
    std::string url;
    std::string file;
};

/// How the run lock is taken: DATABASECHANGELOGLOCK for Liquibase, plus whatever the
/// database offers natively so that a killed process never leaves a stuck lock.
struct RunLockRequest {
    std::string lock_table;
    std::string holder; ///< LOCKEDBY value, "host (strata pid N)"
    std::chrono::milliseconds wait{std::chrono::minutes(5)};
    std::chrono::milliseconds poll{std::chrono::milliseconds(200)};
    ConnectionSpec target;
};

/// A Liquibase type as written, in the parts a dialect maps: "timestamp(3) with time zone" is
/// name TIMESTAMP, parameters "(3)", extra "with time zone"; "decimal(12,2)" is DECIMAL with
/// parameters "(12, 2)", spaced as Liquibase writes them.
struct STRATA_API LiquibaseType {
    std::string name;       ///< first word, upper case
    std::string parameters; ///< "(12, 2)", or ""
    std::string extra;      ///< the other words as written (UNSIGNED, CHARACTER SET x, ...)
    std::string raw;        ///< the whole type, trimmed

    /// `type` followed by the extra words, if any.
    [[nodiscard]] std::string with_extra(std::string type) const;
};
STRATA_API LiquibaseType parse_liquibase_type(std::string_view written);

/// Everything database-specific. A plugin implements this (usually by deriving from
/// AnsiDialect and overriding where its SQL differs). Core writes only the portable SQL of the
/// protocols it owns (the history, lock and capture tables), with the dialect's quoting and
/// literals; every change is rendered here.
class STRATA_API Dialect {
public:
    virtual ~Dialect();

    /// Liquibase's short name ("sqlite", "postgresql", "mysql"): matched by `dbms` filters.
    [[nodiscard]] virtual std::string name() const = 0;
    [[nodiscard]] virtual Capabilities capabilities() const = 0;
    /// Turns a URL into a SOCI backend and connect string; throws Usage on a bad URL.
    [[nodiscard]] virtual ConnectionSpec connection_spec(const ConnectionTarget& target) const = 0;

    /// Why a change type cannot run here, or nullopt when it can.
    [[nodiscard]] virtual std::optional<std::string> unsupported(const Change& change) const = 0;
    /// The statements that perform one change.
    [[nodiscard]] virtual std::vector<std::string> render(const Change& change,
                                                          const RenderContext& context) const = 0;

    /// Before a change that destroys structure runs: the definition it destroys (or, for
    /// inserts, how to find the rows again), in a form only this dialect reads back. Core
    /// keeps it beside the history so the change can be rolled back. nullopt: nothing to keep.
    [[nodiscard]] virtual std::optional<std::string> capture(Connection& connection,
                                                             const Change& change) const = 0;
    /// The statements that undo `change` from what capture() kept.
    [[nodiscard]] virtual std::vector<std::string> restore(const Change& change,
                                                           const std::string& captured,
                                                           const RenderContext& context) const = 0;
    /// DDL of strata's own side table for captured definitions (DATABASECHANGELOG stays
    /// Liquibase's).
    [[nodiscard]] virtual std::string capture_table_ddl(const TableName& table) const = 0;

    [[nodiscard]] virtual std::string quote_identifier(std::string_view name) const = 0;
    /// `schema.table`, or `table` alone in the default schema, each part quoted as needed.
    [[nodiscard]] std::string table_reference(const TableName& table) const {
        return table.schema.empty()
                   ? quote_identifier(table.name)
                   : quote_identifier(table.schema) + "." + quote_identifier(table.name);
    }
    [[nodiscard]] virtual std::string quote_literal(std::string_view value) const = 0;
    /// SQL for "now" as the history table stores it.
    [[nodiscard]] virtual std::string current_timestamp() const = 0;
    /// How a boolean is written (DATABASECHANGELOGLOCK.LOCKED): TRUE/FALSE or 1/0.
    [[nodiscard]] virtual std::string boolean_literal(bool value) const = 0;

    /// Called once on every new connection (session settings such as SQLite's busy timeout).
    virtual void prepare_session(Connection& connection) const = 0;
    [[nodiscard]] virtual bool table_exists(Connection& connection,
                                            const TableName& table) const = 0;
    [[nodiscard]] virtual std::string history_table_ddl(const TableName& table) const = 0;
    [[nodiscard]] virtual std::string lock_table_ddl(const TableName& table) const = 0;

    /// Evaluates an existence precondition (tableExists, columnExists, viewExists, indexExists,
    /// foreignKeyConstraintExists, primaryKeyExists, uniqueConstraintExists, sequenceExists).
    [[nodiscard]] virtual bool object_exists(Connection& connection,
                                             const Precondition& check) const = 0;

    /// The database's own lock for one run (an advisory lock, GET_LOCK, a file lock): one the
    /// server or the kernel drops when the session or the process dies, so a killed run never
    /// leaves a stuck lock. Waits up to `request.wait`, then throws Error{Lock} saying what
    /// holds it. Returns false when the database has none. Core owns the DATABASECHANGELOGLOCK
    /// row protocol around it; holding the native lock lets core take over a row that a dead
    /// strata process left behind.
    virtual bool acquire_native_lock(Connection& connection, const RunLockRequest& request) = 0;
    /// Releases what acquire_native_lock took. Never throws.
    virtual void release_native_lock(Connection& connection) noexcept = 0;

    /// Reads one schema from the catalog into the portable model (snapshot, diff, drift):
    /// every table with its columns, keys, foreign keys, checks and indexes, every view and
    /// sequence, with types mapped to their portable names. Returns it normalize()d.
    [[nodiscard]] virtual snapshot::Schema snapshot(Connection& connection,
                                                    const snapshot::SnapshotScope& scope) const = 0;

    /// A scratch namespace called `name` beside the database `url` names: a schema
    /// (PostgreSQL), a database on the same server (MySQL), a temporary file (SQLite).
    /// nullopt when the dialect has none (drift then needs --shadow-url).
    [[nodiscard]] virtual std::optional<ScratchNamespace>
    scratch_namespace(const std::string& url, const std::string& name) const = 0;

    // --- Changing a live table without stalling it (strata lint, safe execution) ---

    /// The rules lint() applies, for `strata lint --rules`. The base has none.
    [[nodiscard]] virtual std::vector<lint::Rule> lint_rules() const;
    /// What one change would lock, block, rewrite or scan here, and the safe way to write it.
    /// Reads the database only (server version, table sizes). The base finds nothing.
    [[nodiscard]] virtual lint::Assessment lint(const lint::Subject& subject) const;
    /// How the next renders and recover() keep changes from stalling the application; set
    /// once per command, before the first render.
    virtual void set_safety(const lint::SafetySettings& settings);
    /// Statements that bound how long one statement of this session waits for a lock
    /// (PostgreSQL's lock_timeout, MariaDB's lock_wait_timeout). The base has none.
    [[nodiscard]] virtual std::vector<std::string>
    lock_timeout_statements(std::chrono::milliseconds timeout) const;
    /// Whether a statement cannot run inside a transaction block (CREATE INDEX
    /// CONCURRENTLY, VACUUM): core then runs its changeset without one, as it does for a
    /// statement starting with kOwnTransactionMarker.
    [[nodiscard]] virtual bool runs_outside_transaction(std::string_view statement) const;
    /// The table locks this session holds now, read from the database (PostgreSQL's
    /// pg_locks); empty where the database does not say. `strata rehearse` compares them
    /// with lint's prediction after each statement of a changeset.
    [[nodiscard]] virtual std::vector<lint::HeldLock> held_locks(Connection& connection) const;
    /// After `statement` failed with `error`: give up, wait and run it again (a lock wait
    /// timed out), or run something else now (MariaDB refused ALGORITHM=INSTANT: INPLACE).
    /// `in_transaction` says whether the statement ran inside the changeset's transaction.
    /// The base always gives up.
    [[nodiscard]] virtual lint::Recovery recover(Connection& connection, std::string_view statement,
                                                 const Error& error, bool in_transaction) const;
    /// The table locks other sessions hold or wait for on tables of this connection's schema
    /// (database), read from the database (pg_locks, performance_schema.metadata_locks): what
    /// `strata rehearse` samples from a second session while a changeset runs, where a lock
    /// lasts only as long as one statement (MariaDB's DDL commits at once). A waiting lock
    /// counts, in the mode it waits for. Empty where the database does not say.
    [[nodiscard]] virtual std::vector<lint::HeldLock> others_locks(Connection& connection) const;

protected:
    /// What set_safety() was given.
    lint::SafetySettings safety_;
};

/// The ANSI base every bundled dialect derives from: standard SQL for each change type and
/// the DDL of Liquibase's history tables.
class STRATA_API AnsiDialect : public Dialect {
public:
    ~AnsiDialect() override;

    [[nodiscard]] std::optional<std::string> unsupported(const Change& change) const override;
    /// Renders with the context's quoting strategy in force, through render_change().
    [[nodiscard]] std::vector<std::string> render(const Change& change,
                                                  const RenderContext& context) const final;
    [[nodiscard]] std::optional<std::string> capture(Connection& connection,
                                                     const Change& change) const override;
    [[nodiscard]] std::vector<std::string> restore(const Change& change,
                                                   const std::string& captured,
                                                   const RenderContext& context) const override;
    [[nodiscard]] std::string capture_table_ddl(const TableName& table) const override;
    [[nodiscard]] bool object_exists(Connection& connection,
                                     const Precondition& check) const override;
    /// Applies the quoting strategy; dialects say what their quotes and reserved words are.
    [[nodiscard]] std::string quote_identifier(std::string_view name) const final;
    [[nodiscard]] std::string quote_literal(std::string_view value) const override;
    [[nodiscard]] std::string current_timestamp() const override;
    [[nodiscard]] std::string boolean_literal(bool value) const override;
    void prepare_session(Connection& connection) const override;
    [[nodiscard]] std::string history_table_ddl(const TableName& table) const override;
    [[nodiscard]] std::string lock_table_ddl(const TableName& table) const override;
    /// No native lock: the row protocol alone serialises runs.
    bool acquire_native_lock(Connection& connection, const RunLockRequest& request) override;
    void release_native_lock(Connection& connection) noexcept override;
    /// The base has no portable catalog: refuses with Error{Usage} naming the dialect.
    [[nodiscard]] snapshot::Schema snapshot(Connection& connection,
                                            const snapshot::SnapshotScope& scope) const override;
    /// The base knows no scratch namespace: nullopt.
    [[nodiscard]] std::optional<ScratchNamespace>
    scratch_namespace(const std::string& url, const std::string& name) const override;

protected:
    /// The statements of one change; dialects override this for the changes whose SQL
    /// differs. quote_identifier() applies the quoting of the render in progress.
    [[nodiscard]] virtual std::vector<std::string>
    render_change(const Change& change, const RenderContext& context) const;

    /// A word the database reserves: LEGACY and QUOTE_ONLY_RESERVED_WORDS quote it.
    [[nodiscard]] virtual bool reserved_word(std::string_view name) const;
    /// Whether LEGACY quoting must quote this name even if it is no reserved word.
    [[nodiscard]] virtual bool needs_quotes(std::string_view name) const;
    /// The name inside the database's identifier quotes.
    [[nodiscard]] virtual std::string quoted(std::string_view name) const;
    /// Letters, digits, '_' and '$', not starting with a digit.
    [[nodiscard]] static bool plain_identifier(std::string_view name);

    /// The SQL type for a Liquibase type name ("int", "varchar(50)", "boolean", ...).
    [[nodiscard]] virtual std::string column_type(std::string_view liquibase_type) const;
    /// The type of DATEEXECUTED / LOCKGRANTED in the history tables.
    [[nodiscard]] virtual std::string datetime_type() const;
    /// Statements that recreate what `change` is about to destroy, read from the live
    /// database (kept by capture(), run by restore()); empty when nothing needs keeping.
    [[nodiscard]] virtual std::vector<std::string> restore_statements(Connection& connection,
                                                                      const Change& change) const;
    /// One index as the catalog has it: its table, name and columns in index order.
    struct IndexColumns {
        std::string table;
        std::string name;
        std::vector<std::string> columns;
    };
    /// The indexes of the current schema (or `schema`), of one table when `table` is not
    /// empty: the indexExists precondition. The base has no portable catalog for indexes and
    /// refuses; PostgreSQL and MySQL read theirs.
    [[nodiscard]] virtual std::vector<IndexColumns> index_columns(Connection& connection,
                                                                  const std::string& schema,
                                                                  const std::string& table) const;
    /// The indexExists precondition over index_columns().
    [[nodiscard]] bool index_exists(Connection& connection, const Precondition& check) const;
    /// The primary key columns of a table, in key order (insert/loadData rollback).
    [[nodiscard]] virtual std::vector<std::string>
    primary_key_columns(Connection& connection, const std::string& table) const;
    /// DELETEs of exactly the rows an insert or loadData inserted, by primary key.
    [[nodiscard]] std::vector<std::string>
    delete_inserted_rows(const Change& change, const std::vector<std::string>& keys) const;
    /// A captured definition is a list of fields, each written as "<length>:<text>".
    [[nodiscard]] static std::string encode_fields(const std::vector<std::string>& fields);
    [[nodiscard]] static std::vector<std::string> decode_fields(std::string_view text);
    /// SQL for the schema unqualified names resolve in (information_schema lookups).
    [[nodiscard]] virtual std::string current_schema_expression() const;
    /// A text column without a length limit (captured definitions).
    [[nodiscard]] virtual std::string large_text_type() const;
    /// START WITH, INCREMENT BY, MINVALUE, MAXVALUE, CACHE and CYCLE of createSequence and
    /// alterSequence; `altering` leaves out what ALTER SEQUENCE cannot change.
    [[nodiscard]] virtual std::string sequence_options(const Change& change, bool altering) const;
    /// How the database spells the opposite of CYCLE.
    [[nodiscard]] virtual std::string no_cycle_keyword() const;
    /// loadUpdateData's insert-or-update of one row keyed by `key_columns`.
    [[nodiscard]] virtual std::string upsert(const std::string& table,
                                             const std::vector<std::string>& columns,
                                             const std::vector<std::string>& values,
                                             const std::vector<std::string>& key_columns) const;
    /// loadData's rows: one Column (name + value attribute) per CSV field, typed by the
    /// change's <column> configurations. Returns the configurations, one per CSV column.
    std::vector<Column> load_data_rows(const Change& change,
                                       std::vector<std::vector<Column>>& rows) const;
    /// sqlFile and loadData read files named relative to the changelog or the working directory.
    [[nodiscard]] std::string read_referenced_file(const Change& change,
                                                   std::string_view key) const;
    /// The DEFAULT expression for a column, or "" when it has none.
    [[nodiscard]] virtual std::string default_clause(const Column& column) const;
    /// How the database writes a computed value (defaultValueComputed, valueComputed, and a
    /// valueDate/valueNumeric that is no literal): the base keeps it as written; dialects map
    /// the current-time spellings as Liquibase does (NOW() on PostgreSQL and MySQL).
    [[nodiscard]] virtual std::string computed_value(std::string_view value) const;
    /// Liquibase's ColumnConfig rules for a column's value or default, for dialects that follow
    /// them: a valueDate/defaultValueDate that is no ISO date, time or timestamp, and a
    /// valueNumeric/defaultValueNumeric that is no number, are computed values; ISO timestamps
    /// are written with a space; one pair of parentheses around a default number goes.
    /// nullopt: no such attribute, the base rules apply.
    /// Whether default_clause() and value_literal() follow those rules (PostgreSQL, MySQL);
    /// the base keeps such values as written.
    [[nodiscard]] virtual bool maps_computed_values() const;
    [[nodiscard]] std::optional<std::string> liquibase_computed_default(const Column& column) const;
    [[nodiscard]] std::optional<std::string> liquibase_computed_value(const Column& column) const;
    /// A literal of raw bytes, for loadData's BLOB columns: X'0A1B' (SQLite, MySQL); PostgreSQL
    /// writes a large object, as Liquibase's BLOB is OID there.
    [[nodiscard]] virtual std::string bytes_literal(std::string_view bytes) const;
    /// The SQL value of an insert/update column (value, valueNumeric, valueBoolean, ...).
    [[nodiscard]] virtual std::string value_literal(const Column& column) const;
    /// One column of CREATE TABLE / ADD COLUMN, without table-level constraints.
    [[nodiscard]] virtual std::string column_definition(const Column& column,
                                                        bool inline_primary_key) const;

    /// The FOREIGN KEY table constraints that createTable's columns declare.
    [[nodiscard]] std::vector<std::string> column_foreign_keys(const Change& change) const;
    [[nodiscard]] virtual std::vector<std::string> render_create_table(const Change& change) const;
    [[nodiscard]] virtual std::vector<std::string> render_add_column(const Change& change) const;
    [[nodiscard]] virtual std::vector<std::string> render_sql(const Change& change) const;

    /// Splits a script into statements as Liquibase does (StringUtil.processMultiLineSQL):
    /// at `delimiter` outside quotes, comments and BEGIN ... END blocks. An empty delimiter
    /// is Liquibase's default (';', or GO or '/' at the start of a line); a longer one is
    /// also a case-insensitive regular expression ("\\nGO": GO on its own line).
    [[nodiscard]] std::vector<std::string> split_statements(std::string_view script,
                                                            std::string_view delimiter) const;
    /// The attribute, or Error{Validation} naming the change when it is missing or empty.
    [[nodiscard]] static std::string required_attribute(const Change& change, std::string_view key);
    /// `schemaName.name` for objects other than tables (sequences, views, procedures).
    [[nodiscard]] std::string scoped(const Change& change, std::string_view key) const;
    /// A value Liquibase types by the column (defaultNullValue): numbers and booleans as they
    /// are, everything else as a string the server converts.
    [[nodiscard]] std::string loose_literal(const std::string& value) const;
    /// `schemaName.tableName` as written in the change, quoted.
    [[nodiscard]] std::string qualified(const Change& change, std::string_view name_key) const;

private:
    /// The quoting of the render() in progress, LEGACY outside one. Set only for the length
    /// of a render() call (a dialect object serves one connection, one render at a time).
    mutable ObjectQuoting quoting_ = ObjectQuoting::Legacy;

    /// The primary keys capture() read on one connection (one run), by table name as
    /// written: an insert's rollback needs its table's key, and reading the catalog once per
    /// row made a run of many inserts slow on a server of many tables.
    struct PrimaryKeyCache {
        const Connection* connection = nullptr;
        std::map<std::string, std::vector<std::string>, std::less<>> keys;
    };
    mutable PrimaryKeyCache primary_keys_;
    /// The cached primary key of `table`, read on a miss.
    [[nodiscard]] const std::vector<std::string>&
    cached_primary_key(Connection& connection, const std::string& table) const;
    /// Drops the cached keys when `change` may alter tables or keys (createTable,
    /// addPrimaryKey, renameTable, sql, ...): called for every change captured, rendered or
    /// restored, forward or in a rollback, so no run reads a key its own DDL changed.
    void forget_keys_altered_by(const Change& change) const;
};

} // namespace strata
