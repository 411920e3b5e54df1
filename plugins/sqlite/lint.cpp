// SPDX-License-Identifier: Apache-2.0
// strata lint on SQLite: the changes it has no ALTER for are done by rebuilding the table
// (create a copy, copy every row, drop the old table, rename the copy), all in one write
// transaction. SQLite renders them from the live schema, so core hands lint no statements:
// the rule reads the change itself (rebuilt_table, the same list render uses).
#include "sqlite_dialect_class.hpp"

namespace strata::dialect::sqlite {

namespace {

constexpr std::string_view kRebuild = "sqlite-table-rebuild";

// From this many rows a rebuild is a warning. Measured on this project's CI machine: a
// rebuild of 100,000 narrow rows held the write lock 0.07 s, of 500,000 rows with one index
// 0.36 s, growing with the rows, the indexes and the row width; from half a million rows
// writers stall for a noticeable part of a second or more. Below it, it is info.
constexpr std::uint64_t kWarningRows = 500'000;

} // namespace

std::vector<lint::Rule> SqliteDialect::lint_rules() const {
    return {{std::string(kRebuild), lint::Severity::Warning,
             "a change SQLite performs by rebuilding the table",
             "SQLite has no ALTER for constraints, keys, defaults, NOT NULL, type changes, "
             "dropped columns and columns ADD COLUMN refuses: strata creates a copy of the "
             "table, copies every row, drops the old table and renames the copy, in one write "
             "transaction. Other writers wait (SQLITE_BUSY) for the whole copy; in "
             "rollback-journal mode readers wait at the commit. Info below 500,000 rows, "
             "warning from there.",
             "run it when writers can wait; several such changes to one table are cheaper in "
             "one changeset (each rebuild copies every row again)"}};
}

lint::Assessment SqliteDialect::lint(const lint::Subject& subject) const {
    lint::Assessment assessment;
    if (subject.change == nullptr)
        return assessment;
    const Change& change = *subject.change;
    if (change.kind == ChangeKind::CreateTable)
        assessment.creates.push_back(change.value("tableName"));
    std::optional<std::string> table = rebuilt_table(change);
    if (!table || table->empty() || (subject.created_earlier && subject.created_earlier(*table)))
        return assessment;

    std::optional<std::uint64_t> rows;
    if (subject.connection != nullptr && table_exists(*subject.connection, *table)) {
        ResultSet count =
            subject.connection->query("SELECT count(*) FROM " + quote_identifier(*table));
        if (!count.rows.empty())
            rows = std::stoull(count.rows[0][0].value_or("0"));
    }
    lint::Finding finding;
    finding.rule = std::string(kRebuild);
    finding.severity =
        rows && *rows < kWarningRows ? lint::Severity::Info : lint::Severity::Warning;
    finding.table = *table;
    finding.lock = "the database's write lock";
    finding.blocks =
        "writes to the whole database (readers at the commit in rollback-journal mode)";
    finding.message = fmt::format(
        "{} rebuilds table {}: a copy is created, {} copied, the old table dropped and the copy "
        "renamed, in one write transaction",
        change.type_name(), *table,
        rows ? fmt::format("its {} row{} are", *rows, *rows == 1 ? "" : "s")
             : std::string("every row is"));
    finding.fix = "run it when writers can wait; put several changes to one table in one "
                  "changeset, not one rebuild each";
    assessment.findings.push_back(std::move(finding));
    return assessment;
}

} // namespace strata::dialect::sqlite
