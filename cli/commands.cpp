// SPDX-License-Identifier: Apache-2.0
#include "commands.hpp"

#include "completion.hpp"
#include "handlers.hpp"
#include "man_page.hpp"
#include "options.hpp"

namespace strata::cli {
namespace {

// The groups most commands share.
constexpr unsigned kRead = kCommon | kDatabase | kHistoryTables | kChangelog;
constexpr unsigned kApply = kRead | kExecute | kLint;
constexpr unsigned kHistoryOnly = kCommon | kDatabase | kHistoryTables;

using enum Needs;

constexpr CommandSpec kCommands[] = {
    {"update", "update", "Deploy every changeset not yet applied", kApply | kFormat | kFleet, Both,
     false, run_update},
    {"update-count", "updateCount", "Deploy the next --count pending changesets",
     kApply | kCount | kFormat | kFleet, Both, false, run_update},
    {"update-to-tag", "updateToTag",
     "Deploy up to and including the changeset with tagDatabase --tag",
     kApply | kTag | kFormat | kFleet, Both, false, run_update},
    {"update-sql", "updateSQL", "Print the SQL update would run, without running it",
     kRead | kFormat | kFleet, Both, true, run_update},
    {"update-count-sql", "updateCountSQL", "Print the SQL update-count would run",
     kRead | kCount | kFormat | kFleet, Both, true, run_update},
    {"update-to-tag-sql", "updateToTagSQL", "Print the SQL update-to-tag would run",
     kRead | kTag | kFormat | kFleet, Both, true, run_update},
    {"update-testing-rollback", "updateTestingRollback", "Update, roll back what ran, update again",
     kApply, Both, false, run_update_testing_rollback},
    {"status", "status", "List the changesets not yet applied", kRead | kFormat | kFleet | kVerbose,
     History, true, run_status},
    {"history", "history", "List the applied changesets, grouped by deployment",
     kHistoryOnly | kFormat | kFleet, Database, true, run_history},
    {"validate", "validate",
     "Check the changelog and the checksums of applied changesets, and lint the pending ones",
     kRead | kFormat | kFleet | kLint, History, true, run_validate},
    {"lint", "lint",
     "What each pending changeset would lock and block on this database, and the safe way to "
     "write it (exit 7 on findings at --fail-on)",
     kRead | kFormat | kFleet | kLint | kLintOnly, Both, true, run_lint},
    {"tag", "tag", "Tag the most recently applied changeset with --tag",
     kHistoryOnly | kTag | kFormat | kFleet, Database, false, run_tag},
    {"tag-exists", "tagExists", "Say whether --tag exists in the history",
     kHistoryOnly | kTag | kFormat, Database, true, run_tag_exists},
    {"rollback", "rollback", "Roll back every changeset applied after --tag",
     kRead | kTag | kFormat | kFleet, Both, false, run_rollback},
    {"rollback-count", "rollbackCount", "Roll back the last --count changesets",
     kRead | kCount | kFormat | kFleet, Both, false, run_rollback},
    {"rollback-to-date", "rollbackToDate", "Roll back every changeset applied after --date",
     kRead | kDate | kFormat | kFleet, Both, false, run_rollback},
    {"rollback-sql", "rollbackSQL", "Print the SQL of rollback --tag",
     kRead | kTag | kFormat | kFleet, Both, true, run_rollback},
    {"rollback-count-sql", "rollbackCountSQL", "Print the SQL of rollback-count",
     kRead | kCount | kFormat | kFleet, Both, true, run_rollback},
    {"rollback-to-date-sql", "rollbackToDateSQL", "Print the SQL of rollback-to-date",
     kRead | kDate | kFormat | kFleet, Both, true, run_rollback},
    {"future-rollback-sql", "futureRollbackSQL",
     "Print the SQL that would roll back the pending changesets", kRead | kFormat, Both, true,
     run_future_rollback},
    {"future-rollback-count-sql", "futureRollbackCountSQL",
     "Same, for the first --count pending changesets", kRead | kCount | kFormat, Both, true,
     run_future_rollback},
    {"changelog-sync", "changelogSync",
     "Record every pending changeset as applied, without running it", kRead | kFormat, Both, false,
     run_changelog_sync},
    {"flyway-takeover", "flywayTakeover",
     "Record what Flyway applied (flyway_schema_history) of a Flyway folder, checking its "
     "checksums",
     kRead | kFormat, Both, false, run_flyway_takeover},
    {"changelog-sync-sql", "changelogSyncSQL", "Print the SQL of changelog-sync", kRead | kFormat,
     Both, true, run_changelog_sync},
    {"changelog-sync-to-tag", "changelogSyncToTag", "changelog-sync up to and including --tag",
     kRead | kTag | kFormat, Both, false, run_changelog_sync},
    {"changelog-sync-to-tag-sql", "changelogSyncToTagSQL", "Print the SQL of changelog-sync-to-tag",
     kRead | kTag | kFormat, Both, true, run_changelog_sync},
    {"mark-next-changeset-ran", "markNextChangeSetRan",
     "Record the next pending changeset as applied", kRead | kFormat, Both, false,
     run_mark_next_changeset_ran},
    {"clear-checksums", "clearCheckSums",
     "Set every stored checksum to NULL (recomputed by the next update)", kHistoryOnly | kFormat,
     Database, false, run_clear_checksums},
    {"calculate-checksum", "calculateCheckSum", "Print the checksum of one changeset",
     kCommon | kDatabase | kChangelog | kChangesetId | kFormat, Dialect, true,
     run_calculate_checksum},
    {"list-locks", "listLocks", "Show who holds the run lock", kHistoryOnly | kFormat, Database,
     true, run_list_locks},
    {"release-locks", "releaseLocks", "Release the run lock", kHistoryOnly | kForce | kFormat,
     Database, false, run_release_locks},
    {"unexpected-changesets", "unexpectedChangeSets",
     "List applied changesets missing from the changelog", kRead | kVerbose | kFormat, Both, true,
     run_unexpected_changesets},
    {"plugins", "plugins", "List the dialect plugins found and the URL schemes they serve",
     kCommon | kFormat, Nothing, true, run_plugins},
    {"convert", "convert",
     "Write the changelog in another format (--format or --output-file's extension)",
     kCommon | kChangelog | kFormat, Changelog, true, run_convert},
    {"drift", "drift",
     "Replay the applied changesets on a shadow database and report what --url has that the "
     "changelog does not explain (exit 2 on drift)",
     kCommon | kDatabase | kChangelog | kHistoryTables | kFormat | kDiffFilter | kDrift, Nothing,
     true, run_drift},
    {"rehearse", "rehearse",
     "Run the pending changesets on a scratch clone of --url's schema: durations, the locks "
     "they took against lint's prediction, rollback and apply again (exit 2 when a "
     "prediction did not hold)",
     kCommon | kDatabase | kChangelog | kHistoryTables | kFormat | kExecute | kRehearse, Nothing,
     true, run_rehearse},
    {"diff", "diff", "Compare --url with --reference-url: missing, unexpected and changed objects",
     kCommon | kDatabase | kHistoryTables | kFormat | kDiffReference | kDiffFilter | kExitCode,
     Nothing, true, run_diff},
    {"diff-changelog", "diffChangeLog",
     "Write the changesets that make --url match --reference-url to --changelog-file",
     kCommon | kDatabase | kHistoryTables | kChangelog | kDiffReference | kDiffFilter | kGenerated,
     Nothing, true, run_diff_changelog},
    {"generate-changelog", "generateChangeLog",
     "Write a changelog that creates the --url database's schema to --changelog-file",
     kCommon | kDatabase | kHistoryTables | kChangelog | kDiffFilter | kGenerated, Nothing, true,
     run_generate_changelog},
    {"snapshot", "snapshot",
     "Write the schema of --url (tables, keys, indexes, views, sequences) as JSON, YAML or text",
     kCommon | kDatabase | kHistoryTables | kSnapshot, Nothing, true, run_snapshot},
    {"db-doc", "dbDoc",
     "Write an HTML report of the database (tables, keys, indexes, diagram, history) to "
     "--output-directory",
     kHistoryOnly | kOutputDirectory, Database, true, run_db_doc},
    {"completion", "completion", "Print the shell completion script for bash, zsh or fish", kCommon,
     Nothing, true, run_completion, "shell"},
    {"man", "man", "Print the strata(1) man page (roff)", kCommon, Nothing, true, run_man},
};

} // namespace

std::span<const CommandSpec> all_commands() {
    return kCommands;
}

const CommandSpec* find_command(std::string_view name) {
    for (const CommandSpec& command : kCommands) {
        if (command.name == name || command.alias == name)
            return &command;
    }
    return nullptr;
}

} // namespace strata::cli
