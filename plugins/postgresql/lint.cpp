// SPDX-License-Identifier: Apache-2.0
// What each statement does to a live PostgreSQL table, read from PostgreSQL's own parse tree
// (libpg_query), change types and raw SQL alike. The locks, rewrites and scans are the ones
// measured on PostgreSQL 15 at 1M rows (shared/research/pg15-ddl-locks.md).
#include "postgresql_dialect_class.hpp"
#include "statement_tree.hpp"

#include <algorithm>
#include <array>
#include <fmt/format.h>
#include <set>
#include <strata/text.hpp>

namespace strata::dialect::postgresql {

namespace {

using lint::Severity;
using nlohmann::json;

const std::vector<lint::Rule>& rules() {
    static const std::vector<lint::Rule> kRules = {
        {"pg-create-index", Severity::Warning, "CREATE INDEX without CONCURRENTLY",
         "Takes SHARE on the table for the whole build: writes wait (0.7 s at 1M rows, growing "
         "with the table).",
         "CREATE INDEX CONCURRENTLY in a changeset of its own (runInTransaction=\"false\"); "
         "strata update does this by itself for a createIndex alone in its changeset on a "
         "large table."},
        {"pg-drop-index", Severity::Warning, "DROP INDEX without CONCURRENTLY",
         "Takes ACCESS EXCLUSIVE on the table: every read and write of it waits, even a lookup "
         "by primary key. The drop takes milliseconds; the wait for the lock is what stalls, "
         "so with --lock-timeout the finding is informational.",
         "DROP INDEX CONCURRENTLY in a changeset of its own; strata update does this by itself "
         "for a dropIndex alone in its changeset on a large table."},
        {"pg-concurrently-with-others", Severity::Warning,
         "A CONCURRENTLY statement in a changeset with other statements",
         "CONCURRENTLY cannot run in a transaction block (Liquibase fails); strata runs the "
         "changeset without one, so its other statements are no longer atomic.",
         "Give the CONCURRENTLY statement a changeset of its own."},
        {"pg-concurrently-if-not-exists", Severity::Warning,
         "CREATE INDEX CONCURRENTLY IF NOT EXISTS",
         "A failed or cancelled concurrent build leaves an INVALID index behind; IF NOT EXISTS "
         "then keeps it, unused by queries yet maintained on every write.",
         "Leave IF NOT EXISTS out: strata drops an INVALID index of the same name before it "
         "builds again."},
        {"pg-add-column-rewrite", Severity::Error,
         "ADD COLUMN with a volatile default, serial, identity or stored generated column",
         "Rewrites the table and every index under ACCESS EXCLUSIVE: reads and writes wait "
         "(5.7-13.9 s at 1M rows).",
         "Add the column nullable without a default, SET DEFAULT for new rows, then backfill in "
         "batches."},
        {"pg-add-column-not-null", Severity::Error, "ADD COLUMN NOT NULL without a default",
         "Fails on a table that has rows: the existing rows would hold NULL.",
         "Add it with a DEFAULT (metadata only since PostgreSQL 11), or nullable, backfill, "
         "then the NOT NULL recipe."},
        {"pg-set-not-null", Severity::Warning, "SET NOT NULL without a validated CHECK",
         "Scans the whole table under ACCESS EXCLUSIVE to prove no NULL exists (0.1-0.15 s at "
         "1M rows, growing with the table).",
         "ADD CONSTRAINT c CHECK (col IS NOT NULL) NOT VALID; VALIDATE CONSTRAINT c (in its own "
         "changeset: SHARE UPDATE EXCLUSIVE, writes go on); then SET NOT NULL scans nothing; "
         "drop c. strata update does this by itself for an addNotNullConstraint alone in its "
         "changeset on a large table."},
        {"pg-add-foreign-key", Severity::Warning, "ADD FOREIGN KEY without NOT VALID",
         "Scans the table holding SHARE ROW EXCLUSIVE on both tables: writes to the table and "
         "to the referenced table wait.",
         "ADD ... NOT VALID (brief, still SHARE ROW EXCLUSIVE on both), then VALIDATE "
         "CONSTRAINT in its own transaction; strata update does this by itself for a foreign "
         "key alone in its changeset on a large table."},
        {"pg-add-check", Severity::Warning, "ADD CHECK without NOT VALID",
         "Scans the whole table under ACCESS EXCLUSIVE: reads and writes wait.",
         "ADD CONSTRAINT ... CHECK (...) NOT VALID, then VALIDATE CONSTRAINT in its own "
         "changeset."},
        {"pg-add-unique-or-primary-key", Severity::Warning,
         "ADD UNIQUE / PRIMARY KEY that builds its own index",
         "Builds the index under ACCESS EXCLUSIVE: reads and writes wait for the whole build "
         "(0.6-0.95 s at 1M rows).",
         "CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT ... UNIQUE / PRIMARY KEY USING "
         "INDEX (1-6 ms); strata update does this by itself for a named key alone in its "
         "changeset on a large table."},
        {"pg-alter-column-type", Severity::Error, "ALTER COLUMN TYPE that rewrites the table",
         "Rewrites the table and rebuilds every index under ACCESS EXCLUSIVE (5.3-8.5 s at 1M "
         "rows). Metadata only: varchar(n) to a longer varchar or text, numeric with more "
         "precision and the same scale.",
         "Expand/contract: a new column, kept in sync and backfilled in batches, then swapped. "
         "For a shorter length, a CHECK ... NOT VALID and VALIDATE instead."},
        {"pg-rename", Severity::Warning, "RENAME of a table or column",
         "Fast, but the application still running uses the old name and fails.",
         "Expand/contract: add the new name (a view or a synced column), move the application, "
         "then drop the old name."},
        {"pg-drop-column", Severity::Warning, "DROP COLUMN",
         "Fast, but an application still reading the column fails.",
         "Stop using the column in the application first; drop it in a later release."},
        {"pg-table-rewrite", Severity::Error,
         "VACUUM FULL, CLUSTER, SET LOGGED/UNLOGGED, REINDEX without CONCURRENTLY",
         "Rewrites the table (or index) under ACCESS EXCLUSIVE: every query of the table waits "
         "(about 5 s at 1M rows).",
         "Leave maintenance out of migrations; REINDEX CONCURRENTLY (PostgreSQL 12+) or an "
         "online repack tool."},
        {"pg-truncate", Severity::Warning, "TRUNCATE",
         "ACCESS EXCLUSIVE until the transaction commits: every query of the table waits "
         "(informational with --lock-timeout, which bounds the wait for the lock).",
         "DELETE in batches, or truncate in a maintenance window."},
        {"pg-references-lock", Severity::Info,
         "A new table referencing an existing one, or dropping a table with foreign keys",
         "CREATE TABLE ... REFERENCES takes SHARE ROW EXCLUSIVE on the referenced table "
         "(writes wait); DROP TABLE of a referencing table takes ACCESS EXCLUSIVE on the "
         "referenced table (reads wait).",
         "Keep lock_timeout short (strata's --lock-timeout) so the lock gives way."},
        {"pg-drop-table", Severity::Info, "DROP TABLE",
         "The data is gone; an application still using the table fails. A ban when opted in: "
         "--lint-errors=pg-drop-table.",
         "Rename it away first and drop it in a later release, or keep a backup."},
        {"pg-no-lock-timeout", Severity::Warning,
         "DDL on an existing table that waits for its lock without a timeout",
         "A DDL queued behind one long read makes every later query of the table wait behind "
         "it: a 2 ms ADD COLUMN behind a 5 s read made a primary-key lookup wait 4.2 s.",
         "strata update --lock-timeout=3s (the default): the DDL gives way after the timeout "
         "and is tried again with backoff."},
    };
    return kRules;
}

const lint::Rule& rule(std::string_view id) {
    for (const lint::Rule& candidate : rules()) {
        if (candidate.id == id)
            return candidate;
    }
    throw Error(ErrorKind::Internal, fmt::format("no lint rule {}", id));
}

// How fast a statement that holds its lock for the whole of its work gets through a table
// (heap and indexes), as measured on PostgreSQL 15 here at 1M rows, 158 MB
// (shared/research/pg15-ddl-locks.md): a rewrite took 5.3-8.5 s, an index build 0.6-0.95 s,
// a validating scan 0.08-0.23 s. nullopt: the lock is brief whatever the size.
std::optional<double> bytes_per_second(std::string_view rule) {
    constexpr double kMegabyte = 1024.0 * 1024.0;
    if (rule == "pg-add-column-rewrite" || rule == "pg-alter-column-type" ||
        rule == "pg-table-rewrite")
        return 24 * kMegabyte;
    if (rule == "pg-create-index" || rule == "pg-add-unique-or-primary-key")
        return 220 * kMegabyte;
    if (rule == "pg-set-not-null" || rule == "pg-add-foreign-key" || rule == "pg-add-check")
        return 800 * kMegabyte;
    return std::nullopt;
}

// Functions whose value changes per row: a default calling one rewrites the table.
bool volatile_function(std::string_view name) {
    static constexpr std::array kVolatile = {
        "clock_timestamp",  "random",       "gen_random_uuid", "uuid_generate_v1",
        "uuid_generate_v4", "nextval",      "timeofday",       "statement_timestamp",
        "txid_current",     "random_normal"};
    std::string lower = to_lower(name);
    return std::find(kVolatile.begin(), kVolatile.end(), lower) != kVolatile.end();
}

// Every function called anywhere in a node.
void called_functions(const json& node, std::vector<std::string>& names) {
    if (node.is_object()) {
        if (auto call = node.find("FuncCall"); call != node.end()) {
            const json& parts = call->value("funcname", json::array());
            if (!parts.empty())
                names.push_back(text_field(parts.back().value("String", json::object()), "sval"));
        }
        for (const auto& item : node.items())
            called_functions(item.value(), names);
    } else if (node.is_array()) {
        for (const json& item : node)
            called_functions(item, names);
    }
}

std::string type_name(const json& column_def) {
    const json& names = column_def.value("typeName", json::object()).value("names", json::array());
    return names.empty()
               ? std::string()
               : to_lower(text_field(names.back().value("String", json::object()), "sval"));
}

// The typmods of a TypeName: varchar(20) -> {20}, numeric(10,2) -> {10, 2}.
std::vector<long> type_modifiers(const json& type) {
    std::vector<long> values;
    for (const json& mod : type.value("typmods", json::array())) {
        const json& constant = mod.value("A_Const", json::object());
        if (auto ival = constant.find("ival"); ival != constant.end())
            values.push_back(ival->value("ival", 0L));
    }
    return values;
}

// What one parsed statement does; the findings name the statement's index.
class StatementLint {
public:
    /// `proven_not_null`: "table.column" that an earlier statement of the change checks with
    /// a CHECK (column IS NOT NULL) it adds, so that SET NOT NULL need not scan.
    StatementLint(const PostgresDialect& dialect, const lint::Subject& subject, int index,
                  lint::Assessment& out, std::set<std::string>& proven_not_null)
        : dialect_(dialect), subject_(subject), index_(index), out_(out),
          proven_not_null_(proven_not_null) {}

    void run(const std::string& type, const json& node) {
        if (type == "IndexStmt")
            index(node);
        else if (type == "DropStmt")
            drop(node);
        else if (type == "AlterTableStmt")
            alter_table(node);
        else if (type == "RenameStmt")
            rename(node);
        else if (type == "CreateStmt")
            create_table(node);
        else if (type == "CreateTableAsStmt")
            out_.creates.push_back(
                range_name(node.value("into", json::object()).value("rel", json::object())));
        else if (type == "VacuumStmt" && flag_field(node, "is_vacuumcmd"))
            vacuum(node);
        else if (type == "ClusterStmt")
            add("pg-table-rewrite", range_name(node.value("relation", json::object())),
                "ACCESS EXCLUSIVE", "reads and writes", "CLUSTER rewrites the table");
        else if (type == "ReindexStmt" && node.dump().find("\"concurrently\"") == std::string::npos)
            add("pg-table-rewrite", range_name(node.value("relation", json::object())),
                "ACCESS EXCLUSIVE on the index", "every query planned on the table",
                "REINDEX rebuilds without CONCURRENTLY");
        else if (type == "TruncateStmt")
            for (const json& relation : node.value("relations", json::array()))
                add("pg-truncate", range_name(relation.value("RangeVar", json::object())),
                    "ACCESS EXCLUSIVE", "reads and writes", "TRUNCATE empties the table",
                    brief_while_bounded());
    }

private:
    // A finding about `table`, unless the table was made by an earlier change (empty, unused).
    void add(std::string_view id, const std::string& table, std::string lock, std::string blocks,
             std::string message, std::optional<Severity> severity = std::nullopt) {
        const lint::Rule& known = rule(id);
        lint::Finding finding;
        finding.rule = known.id;
        finding.severity = severity.value_or(known.severity);
        finding.table = table;
        finding.lock = std::move(lock);
        finding.blocks = std::move(blocks);
        finding.fix = known.fix;
        finding.statement = index_;
        std::optional<std::uint64_t> size = bytes(table);
        // What hurts by its duration (a scan, a rewrite, a build) is brief on a small table,
        // and on a large one lasts about as long as the table's size at the rate measured.
        std::optional<double> rate = bytes_per_second(id);
        if (rate && size && *size < dialect_.safety().large_table_bytes) {
            finding.severity = Severity::Info;
            message += fmt::format(" (the table is small: {} kB, so it is brief)", *size / 1024);
        } else if (rate && size) {
            message += fmt::format(" for about {:.1f} s at the table's {} MB", *size / *rate,
                                   *size / (1024 * 1024));
        }
        finding.message = std::move(message);
        out_.findings.push_back(std::move(finding));
    }

    // A lock held only for as long as the statement takes a few milliseconds: what hurts is
    // the wait for it, which --lock-timeout bounds.
    std::optional<Severity> brief_while_bounded() const {
        if (dialect_.safety().lock_timeout.count() > 0)
            return Severity::Info;
        return std::nullopt;
    }

    // Locks that make later queries queue: without a lock timeout they wait as long as the
    // oldest conflicting transaction.
    void queues(const std::string& table, const std::string& lock) {
        if (dialect_.safety().lock_timeout.count() > 0 || table.empty())
            return;
        add("pg-no-lock-timeout", table, lock, "every later query of the table while it waits",
            fmt::format("{} on {} waits for its lock with no lock_timeout", lock, table));
    }

    std::optional<std::uint64_t> bytes(const std::string& table) {
        // A table an earlier pending change creates has no findings (the engine drops them)
        // and no size yet: no catalog read for it.
        if (subject_.connection == nullptr || table.empty() ||
            (subject_.created_earlier && subject_.created_earlier(table)))
            return std::nullopt;
        try {
            return dialect_.table_bytes(*subject_.connection, table);
        } catch (const Error&) {
            return std::nullopt;
        }
    }

    void index(const json& node) {
        std::string table = range_name(node.value("relation", json::object()));
        if (flag_field(node, "concurrent")) {
            if (flag_field(node, "if_not_exists"))
                add("pg-concurrently-if-not-exists", table, "SHARE UPDATE EXCLUSIVE", "nothing",
                    "CREATE INDEX CONCURRENTLY IF NOT EXISTS keeps an INVALID index of a failed "
                    "build");
            concurrently_alone(table);
            return;
        }
        add("pg-create-index", table, "SHARE", "writes",
            fmt::format("CREATE INDEX {} blocks writes to {} for the whole build",
                        text_field(node, "idxname"), table));
        queues(table, "SHARE");
    }

    void concurrently_alone(const std::string& table) {
        if (subject_.statements.size() > 1)
            add("pg-concurrently-with-others", table, "SHARE UPDATE EXCLUSIVE", "nothing",
                "a CONCURRENTLY statement shares its change with other statements: none of "
                "them runs in a transaction");
    }

    void drop(const json& node) {
        std::string kind = text_field(node, "removeType");
        for (const json& object : node.value("objects", json::array())) {
            std::string name;
            for (const json& part :
                 object.value("List", json::object()).value("items", json::array()))
                name += (name.empty() ? "" : ".") +
                        text_field(part.value("String", json::object()), "sval");
            if (kind == "OBJECT_INDEX") {
                if (flag_field(node, "concurrent")) {
                    concurrently_alone("");
                    continue;
                }
                std::string table = index_table(name);
                add("pg-drop-index", table, "ACCESS EXCLUSIVE", "reads and writes",
                    fmt::format("DROP INDEX {} blocks every read and write of {}", name,
                                table.empty() ? "its table" : table),
                    brief_while_bounded());
                queues(table, "ACCESS EXCLUSIVE");
            } else if (kind == "OBJECT_TABLE") {
                add("pg-drop-table", name, "ACCESS EXCLUSIVE", "reads and writes",
                    fmt::format("DROP TABLE {} deletes the table and its data", name));
            }
        }
    }

    // The table an existing index belongs to, "" when the index is not there.
    std::string index_table(const std::string& index) {
        if (subject_.connection == nullptr)
            return {};
        try {
            ResultSet result = subject_.connection->query(fmt::format(
                "SELECT indrelid::regclass::text FROM pg_catalog.pg_index WHERE indexrelid = "
                "to_regclass({})",
                dialect_.quote_literal(index)));
            return result.rows.empty() || !result.rows[0][0] ? std::string() : *result.rows[0][0];
        } catch (const Error&) {
            return {};
        }
    }

    void alter_table(const json& node) {
        std::string table = range_name(node.value("relation", json::object()));
        bool exclusive = false;
        for (const json& item : node.value("cmds", json::array())) {
            const json& command = item.value("AlterTableCmd", json::object());
            std::string subtype = text_field(command, "subtype");
            const json& def = command.value("def", json::object());
            if (subtype == "AT_AddColumn")
                add_column(table, def.value("ColumnDef", json::object()));
            else if (subtype == "AT_SetNotNull" &&
                     proven_not_null_.count(table + "." + text_field(command, "name")) == 0)
                add("pg-set-not-null", table, "ACCESS EXCLUSIVE", "reads and writes",
                    fmt::format("SET NOT NULL on {}.{} scans the whole table under ACCESS "
                                "EXCLUSIVE",
                                table, text_field(command, "name")));
            else if (subtype == "AT_AddConstraint")
                add_constraint(table, def.value("Constraint", json::object()));
            else if (subtype == "AT_AlterColumnType")
                alter_type(table, text_field(command, "name"),
                           def.value("ColumnDef", json::object()));
            else if (subtype == "AT_DropColumn")
                add("pg-drop-column", table, "ACCESS EXCLUSIVE", "reads and writes (briefly)",
                    fmt::format("DROP COLUMN {}.{}: an application still using it fails", table,
                                text_field(command, "name")));
            else if (subtype == "AT_SetLogged" || subtype == "AT_SetUnLogged")
                add("pg-table-rewrite", table, "ACCESS EXCLUSIVE", "reads and writes",
                    fmt::format("{} rewrites {}",
                                subtype == "AT_SetLogged" ? "SET LOGGED" : "SET UNLOGGED", table));
            exclusive =
                exclusive || (subtype != "AT_SetStatistics" && subtype != "AT_SetRelOptions" &&
                              subtype != "AT_ValidateConstraint");
        }
        if (exclusive)
            queues(table, "ACCESS EXCLUSIVE");
    }

    void add_column(const std::string& table, const json& column) {
        std::string name = text_field(column, "colname");
        std::string type = type_name(column);
        bool not_null = false, has_default = false, rewrites = false;
        std::string why;
        if (type == "serial" || type == "bigserial" || type == "smallserial" || type == "serial4" ||
            type == "serial8" || type == "serial2") {
            rewrites = true;
            why = type + " fills every row from a sequence";
        }
        for (const json& item : column.value("constraints", json::array())) {
            const json& constraint = item.value("Constraint", json::object());
            std::string kind = text_field(constraint, "contype");
            if (kind == "CONSTR_NOTNULL" || kind == "CONSTR_PRIMARY")
                not_null = true;
            if (kind == "CONSTR_IDENTITY") {
                rewrites = true;
                why = "an identity column fills every row";
            }
            if (kind == "CONSTR_GENERATED") {
                rewrites = true;
                why = "a stored generated column is computed for every row";
            }
            if (kind == "CONSTR_DEFAULT") {
                has_default = true;
                std::vector<std::string> functions;
                called_functions(constraint.value("raw_expr", json::object()), functions);
                for (const std::string& function : functions) {
                    if (volatile_function(function)) {
                        rewrites = true;
                        why = fmt::format("the default {}() is volatile: evaluated per row",
                                          function);
                    }
                }
                if (!rewrites && dialect_.server_version(subject_.connection) < 110000) {
                    rewrites = true;
                    why = "before PostgreSQL 11 any default fills every row";
                }
            }
        }
        if (rewrites)
            add("pg-add-column-rewrite", table, "ACCESS EXCLUSIVE", "reads and writes",
                fmt::format("ADD COLUMN {} rewrites {} and every index: {}", name, table, why));
        else if (not_null && !has_default)
            add("pg-add-column-not-null", table, "ACCESS EXCLUSIVE", "reads and writes",
                fmt::format("ADD COLUMN {} NOT NULL without a default fails if {} has rows", name,
                            table));
    }

    void add_constraint(const std::string& table, const json& constraint) {
        std::string kind = text_field(constraint, "contype");
        std::string name = text_field(constraint, "conname");
        bool not_valid = flag_field(constraint, "skip_validation");
        if (kind == "CONSTR_FOREIGN") {
            std::string referenced = range_name(constraint.value("pktable", json::object()));
            if (!not_valid)
                add("pg-add-foreign-key", table, "SHARE ROW EXCLUSIVE on both tables",
                    "writes to both tables",
                    fmt::format("ADD FOREIGN KEY {} scans {} while writes to it and to {} wait",
                                name, table, referenced));
        } else if (kind == "CONSTR_CHECK") {
            // CHECK (column IS NOT NULL): once validated, SET NOT NULL scans nothing.
            const json& test =
                constraint.value("raw_expr", json::object()).value("NullTest", json::object());
            if (text_field(test, "nulltesttype") == "IS_NOT_NULL") {
                const json& fields = test.value("arg", json::object())
                                         .value("ColumnRef", json::object())
                                         .value("fields", json::array());
                if (fields.size() == 1)
                    proven_not_null_.insert(
                        table + "." +
                        text_field(fields[0].value("String", json::object()), "sval"));
            }
            if (!not_valid)
                add("pg-add-check", table, "ACCESS EXCLUSIVE", "reads and writes",
                    fmt::format("ADD CHECK {} scans {} under ACCESS EXCLUSIVE", name, table));
        } else if ((kind == "CONSTR_UNIQUE" || kind == "CONSTR_PRIMARY") &&
                   text_field(constraint, "indexname").empty()) {
            add("pg-add-unique-or-primary-key", table, "ACCESS EXCLUSIVE", "reads and writes",
                fmt::format("ADD {} {} builds its index while {} is locked",
                            kind == "CONSTR_UNIQUE" ? "UNIQUE" : "PRIMARY KEY", name, table));
        }
    }

    void alter_type(const std::string& table, const std::string& column, const json& definition) {
        const json& type = definition.value("typeName", json::object());
        std::string target = type_name(definition);
        std::vector<long> modifiers = type_modifiers(type);
        std::optional<std::string> current = column_type(table, column);
        bool metadata_only = false;
        if (current) {
            // format_type(): "character varying(20)", "text", "numeric(10,2)", "integer".
            std::string from = *current;
            auto open = from.find('(');
            std::string base = from.substr(0, open);
            std::vector<long> old_modifiers;
            if (open != std::string::npos) {
                for (const std::string& part :
                     split_list(from.substr(open + 1, from.size() - open - 2)))
                    old_modifiers.push_back(std::stol(part));
            }
            bool to_varchar = target == "varchar";
            bool to_text = target == "text";
            if (base == "character varying" && to_text)
                metadata_only = true;
            else if (base == "character varying" && to_varchar)
                metadata_only = modifiers.empty() ||
                                (!old_modifiers.empty() && modifiers[0] >= old_modifiers[0]);
            else if (base == "text" && to_text)
                metadata_only = true;
            else if (base == "numeric" && target == "numeric")
                metadata_only =
                    modifiers.empty() ||
                    (old_modifiers.size() == 2 && modifiers.size() == 2 &&
                     modifiers[0] >= old_modifiers[0] && modifiers[1] == old_modifiers[1]);
        }
        if (metadata_only)
            return;
        add("pg-alter-column-type", table, "ACCESS EXCLUSIVE", "reads and writes",
            current ? fmt::format("ALTER COLUMN {} TYPE {} (from {}) rewrites {} and every index",
                                  column, target, *current, table)
                    : fmt::format("ALTER COLUMN {} TYPE {} rewrites {} unless the change is binary "
                                  "compatible",
                                  column, target, table));
    }

    std::optional<std::string> column_type(const std::string& table, const std::string& column) {
        if (subject_.connection == nullptr)
            return std::nullopt;
        try {
            ResultSet result = subject_.connection->query(fmt::format(
                "SELECT format_type(atttypid, atttypmod) FROM pg_catalog.pg_attribute WHERE "
                "attrelid = to_regclass({}) AND attname = {} AND NOT attisdropped",
                dialect_.quote_literal(table), dialect_.quote_literal(column)));
            if (result.rows.empty() || !result.rows[0][0])
                return std::nullopt;
            return *result.rows[0][0];
        } catch (const Error&) {
            return std::nullopt;
        }
    }

    void rename(const json& node) {
        std::string type = text_field(node, "renameType");
        std::string table = range_name(node.value("relation", json::object()));
        if (type == "OBJECT_COLUMN")
            add("pg-rename", table, "ACCESS EXCLUSIVE", "reads and writes (briefly)",
                fmt::format("RENAME COLUMN {}.{} to {}: an application still using the old name "
                            "fails",
                            table, text_field(node, "subname"), text_field(node, "newname")));
        else if (type == "OBJECT_TABLE")
            add("pg-rename", table, "ACCESS EXCLUSIVE", "reads and writes (briefly)",
                fmt::format("RENAME TABLE {} to {}: an application still using the old name fails",
                            table, text_field(node, "newname")));
        else
            return;
        queues(table, "ACCESS EXCLUSIVE");
    }

    void create_table(const json& node) {
        std::string table = range_name(node.value("relation", json::object()));
        out_.creates.push_back(table);
        // REFERENCES in a column or as a table constraint: SHARE ROW EXCLUSIVE on the parent.
        std::string dump = node.dump();
        for (auto at = dump.find("\"pktable\""); at != std::string::npos;
             at = dump.find("\"pktable\"", at + 1)) {
            auto end = dump.find('}', at);
            json pktable = json::parse(
                dump.substr(dump.find('{', at), end - dump.find('{', at) + 1), nullptr, false);
            if (pktable.is_discarded())
                continue;
            std::string referenced = range_name(pktable);
            if (referenced.empty() ||
                (subject_.created_earlier && subject_.created_earlier(referenced)))
                continue;
            add("pg-references-lock", referenced, "SHARE ROW EXCLUSIVE", "writes (briefly)",
                fmt::format("CREATE TABLE {} references {}: writes to {} wait while it is created",
                            table, referenced, referenced));
        }
    }

    void vacuum(const json& node) {
        if (node.dump().find("\"full\"") == std::string::npos)
            return;
        for (const json& relation : node.value("rels", json::array()))
            add("pg-table-rewrite",
                range_name(relation.value("VacuumRelation", json::object())
                               .value("relation", json::object())),
                "ACCESS EXCLUSIVE", "reads and writes", "VACUUM FULL rewrites the table");
    }

    const PostgresDialect& dialect_;
    const lint::Subject& subject_;
    int index_;
    lint::Assessment& out_;
    std::set<std::string>& proven_not_null_;
};

} // namespace

std::vector<lint::Rule> PostgresDialect::lint_rules() const {
    return rules();
}

int PostgresDialect::server_version(Connection* connection) const {
    if (server_version_ == 0 && connection != nullptr) {
        try {
            ResultSet result = connection->query("SHOW server_version_num");
            if (!result.rows.empty() && result.rows[0][0])
                server_version_ = std::stoi(*result.rows[0][0]);
        } catch (const Error&) {
            // unknown: the rules of the newest server
        }
    }
    return server_version_ == 0 ? 150000 : server_version_;
}

std::optional<std::uint64_t> PostgresDialect::table_bytes(Connection& connection,
                                                          const std::string& table) const {
    return relation_bytes(connection, table);
}

lint::Assessment PostgresDialect::lint(const lint::Subject& subject) const {
    lint::Assessment assessment;
    std::set<std::string> proven_not_null;
    for (std::size_t i = 0; i < subject.statements.size(); ++i) {
        std::optional<nlohmann::json> statements = parse_statements(subject.statements[i]);
        if (!statements)
            continue; // what PostgreSQL cannot parse, it will refuse: update says so
        for (const nlohmann::json& stmt : *statements) {
            auto [type, node] = statement_node(stmt);
            if (node != nullptr)
                StatementLint(*this, subject, static_cast<int>(i), assessment, proven_not_null)
                    .run(type, *node);
        }
    }
    return assessment;
}

} // namespace strata::dialect::postgresql
