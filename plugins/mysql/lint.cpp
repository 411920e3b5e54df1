// SPDX-License-Identifier: Apache-2.0
// strata lint on MariaDB/MySQL: each statement a change renders (or a user wrote) is read by
// the DDL tokenizer (ddl_parser.hpp) and judged by the measured ALGORITHM/LOCK matrix
// (alter_algorithm.hpp) against the live table: its size, row format, columns and indexes.
// A table smaller than large_table_bytes is small: what would block it for long is info.
#include "mysql_dialect_class.hpp"

namespace strata::dialect::mysql {

namespace {

constexpr std::string_view kCopy = "mysql-copy-algorithm";
constexpr std::string_view kRebuildShared = "mysql-rebuild-shared";
constexpr std::string_view kInplaceRebuild = "mysql-inplace-rebuild";
constexpr std::string_view kCombined = "mysql-combined-column-and-index";
constexpr std::string_view kMdlWait = "mysql-mdl-wait";
constexpr std::string_view kImplicitCommit = "mysql-implicit-commit";
constexpr std::string_view kRename = "mysql-rename";
constexpr std::string_view kDropColumn = "mysql-drop-column";
constexpr std::string_view kDropTable = "mysql-ban-drop-table";

constexpr std::string_view kExpandContract =
    "expand/contract: add a new column (instant), backfill it in batches, switch the "
    "application over, then drop the old one";

// The safe way for a statement the server can only COPY or rebuild with writes blocked.
std::string blocking_fix(const ParsedStatement& statement) {
    for (const AlterSpec& spec : statement.specs) {
        switch (spec.action) {
        case AlterAction::AddForeignKey:
            return "index the column first (NOCOPY, LOCK=NONE), look for orphans (LEFT JOIN "
                   "the parent ... IS NULL LIMIT 1), then SET foreign_key_checks=0 and add the "
                   "key with ALGORITHM=INSTANT, and SET foreign_key_checks=1";
        case AlterAction::DropPrimaryKey:
            return "drop and add the primary key in one ALTER (DROP PRIMARY KEY, ADD PRIMARY "
                   "KEY (...)): an online rebuild";
        case AlterAction::AddFulltext:
            return "build FULLTEXT indexes when writes can wait, or keep full-text search "
                   "outside the table";
        case AlterAction::AddColumn:
            if (spec.definition.auto_increment)
                return "create a new table with the AUTO_INCREMENT column and copy the rows in "
                       "batches, or run it when writes can wait";
            return "add the column without the computed default or STORED expression "
                   "(instant), then fill it in batches";
        default:
            break;
        }
    }
    return std::string(kExpandContract) +
           "; or run it at a quiet time with --allow-blocking-rewrite";
}

} // namespace

std::vector<lint::Rule> MysqlDialect::lint_rules() const {
    using lint::Severity;
    return {
        {std::string(kCopy), Severity::Error,
         "an ALTER that MariaDB can only run as ALGORITHM=COPY",
         "COPY rebuilds the table row by row with LOCK=SHARED: reads go on, every write waits "
         "for the whole copy (INT->BIGINT on 1M rows: 4-8 s). Measured on MariaDB 10.11: type "
         "changes (INT->BIGINT, signedness, DECIMAL, VARCHAR shrink or growth across 255 "
         "bytes from over 127, ->TEXT, ->CHAR), ENUM insert/remove, ADD CHECK, ADD FOREIGN KEY "
         "with foreign_key_checks=1, STORED generated columns, expression defaults, DROP "
         "PRIMARY KEY alone, CONVERT TO CHARACTER SET. Without an ALGORITHM clause the server "
         "copies silently; update names one, so it refuses instead and stops unless the table "
         "is small or --allow-blocking-rewrite is given. Info on a small table.",
         std::string(kExpandContract) + "; or --allow-blocking-rewrite at a quiet time"},
        {std::string(kRebuildShared), Severity::Error,
         "an ALTER that rebuilds the table with LOCK=SHARED",
         "the first FULLTEXT index, an AUTO_INCREMENT column, ADD COLUMN on a table with a "
         "FULLTEXT index: INPLACE but with writes blocked for the whole rebuild (FULLTEXT on "
         "1M rows: 6-10 s; INSERTs waited 4.8 s). Info on a small table.",
         "run it when writes can wait (--allow-blocking-rewrite), or build a new table and "
         "copy the rows in batches"},
        {std::string(kInplaceRebuild), Severity::Warning,
         "an ALTER that rebuilds the table online (INPLACE, LOCK=NONE)",
         "NULL<->NOT NULL, ADD PRIMARY KEY, FORCE/ENGINE/ROW_FORMAT: reads and writes go on "
         "while the table is rebuilt (3-8 s per 1M rows), but the exclusive metadata lock is "
         "needed at the start and at the end; a long transaction on the table makes the "
         "rebuild wait and every query queue behind it. NULL->NOT NULL fails if a NULL is "
         "there. Info on a small table.",
         "run it when no long transaction is open on the table; for NOT NULL check first "
         "(SELECT 1 FROM t WHERE c IS NULL LIMIT 1)"},
        {std::string(kCombined), Severity::Warning, "ADD/DROP COLUMN and ADD INDEX in one ALTER",
         "each alone is cheap (instant column change, online index build); together the "
         "server rebuilds the whole table (1M rows: 3.6-7.4 s instead of 0.01 s + 0.9-2.6 s). "
         "Info on a small table.",
         "split them: the column change in one ALTER, the index in the next"},
        {std::string(kMdlWait), Severity::Warning,
         "DDL waits for the table's exclusive metadata lock",
         "every DDL, INSTANT included, needs the exclusive metadata lock: while it waits behind "
         "an open transaction every new query on the table queues behind it (a 10 ms ALTER "
         "behind a 10 s transaction stalled a SELECT 8.1 s). lock_wait_timeout defaults to 24 "
         "hours. Info when strata bounds the wait (--lock-timeout) and retries.",
         "keep --lock-timeout (lock_wait_timeout) low, and retry: strata update does both"},
        {std::string(kImplicitCommit), Severity::Warning, "DDL after DML in one change",
         "DDL commits the pending transaction before it runs, even when it then fails or is "
         "refused: the DML before it is committed and no rollback undoes it. Info for the "
         "change types strata renders so (mergeColumns, addNotNullConstraint with "
         "defaultNullValue): update records how far they got.",
         "put DML and DDL in separate changesets, DML last"},
        {std::string(kRename), Severity::Warning, "renaming a table or a column",
         "the rename is instant, but the running application's statements that name the old "
         "name fail from that moment",
         "expand/contract: add the new name (a column, or a view for a table), write both, "
         "move reads, then drop the old one"},
        {std::string(kDropColumn), Severity::Warning, "dropping a column",
         "the drop is instant (NOCOPY when the column is indexed), but running code that reads "
         "or writes the column fails from that moment",
         "stop using the column in the application first, deploy, then drop it"},
        {std::string(kDropTable), Severity::Info, "dropping a table (a ban, opt-in)",
         "the rows are gone and running code that uses the table fails; reported as info "
         "until a team's policy makes it fail (--fail-on=info)",
         "rename the table aside first and drop it in a later release"},
    };
}

lint::Assessment MysqlDialect::lint(const lint::Subject& subject) const {
    using lint::Severity;
    lint::Assessment assessment;
    if (subject.change == nullptr)
        return assessment;
    const ServerFeatures server = server_features(subject.connection);
    const bool raw =
        subject.change->kind == ChangeKind::Sql || subject.change->kind == ChangeKind::SqlFile;
    const std::string measured =
        server.measured()
            ? std::string()
            : fmt::format(" (measured on MariaDB 10.11; this server is {} {}.{})",
                          server.mariadb ? "MariaDB" : "MySQL", server.major, server.minor);
    bool pending_dml = false;

    for (std::size_t i = 0; i < subject.statements.size(); ++i) {
        const int index = static_cast<int>(i);
        ParsedStatement parsed = parse_statement(subject.statements[i]);
        auto add = [&](std::string_view rule, Severity severity, std::string table,
                       std::string lock, std::string blocks, std::string message, std::string fix) {
            assessment.findings.push_back({std::string(rule), severity, std::move(table),
                                           std::move(lock), std::move(blocks),
                                           std::move(message) + measured, std::move(fix), index});
        };
        if (parsed.kind == StatementKind::Dml) {
            pending_dml = true;
            continue;
        }
        if (!commits_implicitly(parsed))
            continue;
        std::string table = parsed.tables.empty() ? std::string() : parsed.tables.front();
        // A user's script can be split; a change type strata renders this way (mergeColumns,
        // addNotNullConstraint's defaultNullValue) cannot, and update records how far it got.
        if (pending_dml)
            add(kImplicitCommit, raw ? Severity::Warning : Severity::Info, table, "", "",
                "this DDL commits the DML before it in the change: if it or a later statement "
                "fails, that DML stays committed",
                raw ? "put the DML in a changeset of its own, after the DDL"
                    : "nothing to split: update records how far the change got and resumes it");
        pending_dml = false;
        if (parsed.kind == StatementKind::CreateTable) {
            if (!parsed.temporary && !table.empty())
                assessment.creates.push_back(table);
            continue;
        }
        if (table.empty() || parsed.kind == StatementKind::OtherDdl)
            continue;
        if (subject.created_earlier && subject.created_earlier(table))
            continue;
        TableFacts facts;
        if (subject.connection != nullptr) {
            facts = table_facts(*subject.connection, table);
            if (!facts.exists)
                continue; // nothing there to lock (created outside what lint sees)
        }
        const bool small = facts.exists && facts.bytes < safety_.large_table_bytes;
        // InnoDB's own estimate (its row count lags behind on a freshly filled table).
        const std::string size = facts.exists ? " (" + byte_size(facts.bytes) + ")" : std::string();

        if (safety_.lock_timeout.count() > 0)
            add(kMdlWait, Severity::Info, table, "exclusive metadata lock",
                "reads and writes queued behind it while it waits",
                fmt::format("waits for the exclusive metadata lock on {}: strata bounds the wait "
                            "to {} ms (lock_wait_timeout) and tries again",
                            table, safety_.lock_timeout.count()),
                "nothing to do: update bounds the wait and retries");
        else
            add(kMdlWait, Severity::Warning, table, "exclusive metadata lock",
                "reads and writes queued behind it while it waits",
                fmt::format("waits for the exclusive metadata lock on {} as long as "
                            "lock_wait_timeout allows (24 hours by default), and every query "
                            "on {} queues behind it",
                            table, table),
                "run update with --lock-timeout (e.g. 3s): the wait is bounded and retried");

        if (parsed.kind == StatementKind::DropTable) {
            for (const std::string& dropped : parsed.tables)
                add(kDropTable, Severity::Info, dropped, "exclusive metadata lock", "everything",
                    fmt::format("drops table {} and its rows", dropped),
                    "rename it aside first, drop it in a later release");
            continue;
        }
        if (parsed.kind == StatementKind::RenameTable) {
            add(kRename, Severity::Warning, table, "exclusive metadata lock", "",
                fmt::format("renames table {}: statements naming the old name fail", table),
                "expand/contract: a view under the old name while the application moves");
            continue;
        }
        if (parsed.kind == StatementKind::Truncate)
            continue;

        Prediction prediction = predict(parsed, facts, server);
        for (const AlterSpec& spec : parsed.specs) {
            if (spec.action == AlterAction::DropColumn)
                add(kDropColumn, Severity::Warning, table, "", "",
                    fmt::format("drops column {}.{}: running code that uses it fails", table,
                                spec.column),
                    "stop using the column in the application first, then drop it");
            bool renamed = spec.action == AlterAction::RenameColumn ||
                           (spec.action == AlterAction::ChangeColumn && !spec.new_name.empty() &&
                            to_lower(spec.new_name) != to_lower(spec.column));
            if (renamed || spec.action == AlterAction::RenameTable)
                add(kRename, Severity::Warning, table, "", "",
                    spec.action == AlterAction::RenameTable
                        ? fmt::format("renames table {} to {}: statements naming the old name "
                                      "fail",
                                      table, spec.new_name)
                        : fmt::format("renames column {}.{} to {}: statements naming the old "
                                      "name fail",
                                      table, spec.column, spec.new_name),
                    std::string(kExpandContract));
        }
        if (!prediction.known)
            continue;
        const std::string form = prediction.form.describe();
        const std::string guess = prediction.certain ? "" : "probably ";
        // What update will do about it: strata names the clause (the server refuses a
        // blocking form) for its change types; a user's SQL runs as written.
        std::string how;
        if (raw && !parsed.algorithm && !parsed.lock)
            how = "; with no ALGORITHM or LOCK clause the server picks this form silently";
        else if (raw && parsed.lock == "NONE")
            how = "; the statement asks for LOCK=NONE, so the server refuses it instead";
        else if (!raw)
            how = may_block(facts) ? "; update runs it this way (the table is small or "
                                     "--allow-blocking-rewrite is given)"
                                   : "; update asks for an online form, the server refuses, "
                                     "and update stops before blocking anything";
        Severity blocking_severity =
            small ? Severity::Info
                  : (safety_.allow_blocking_rewrite || !prediction.certain ? Severity::Warning
                                                                           : Severity::Error);
        if (prediction.form.algorithm == Algorithm::Copy) {
            add(kCopy, blocking_severity, table,
                "exclusive metadata lock + LOCK=SHARED (ALGORITHM=COPY)", "writes",
                fmt::format("{}{}: {}{}; every write to {} waits for the whole copy{} ({})", table,
                            size, guess, form, table, how, prediction.why),
                blocking_fix(parsed));
        } else if (prediction.form.lock != LockLevel::None) {
            add(kRebuildShared, blocking_severity, table, "exclusive metadata lock + LOCK=SHARED",
                "writes",
                fmt::format("{}{}: {}{}; every write to {} waits until it finishes{} ({})", table,
                            size, guess, form, table, how, prediction.why),
                blocking_fix(parsed));
        } else if (prediction.rebuild) {
            Severity severity = small ? Severity::Info : Severity::Warning;
            add(prediction.combined ? kCombined : kInplaceRebuild, severity, table,
                "exclusive metadata lock at the start and the end, LOCK=NONE",
                "nothing while it rebuilds; reads and writes while it waits for the metadata lock",
                fmt::format("{}{}: {}{} rebuilds the whole table online ({})", table, size, guess,
                            form, prediction.why),
                prediction.combined
                    ? "split it: the column change in one ALTER, the index in the next"
                    : "run it when no long transaction is open on the table");
        }
    }
    return assessment;
}

} // namespace strata::dialect::mysql
