// SPDX-License-Identifier: Apache-2.0
// What the suites over Liquibase's own test harness (../shared/liquibase-test-harness) share:
// picking a file as Liquibase's runner does, the seed schema, the allow-lists.
#pragma once

#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace strata::test {

class ServerScratch;

/// The harness's resources: ../shared/liquibase-test-harness.
std::filesystem::path harness_root();

/// The server version each suite pretends to run against, as the runner's folders name it
/// (the servers of scripts/start-servers.sh: PostgreSQL 15, MariaDB 10.11).
std::string harness_version(const std::string& db);

/// "10.7" <= "10.11": versions compared number by number.
bool version_le(const std::string& a, const std::string& b);

/// The file for `name` as Liquibase's runner picks it: DB/VERSION/name for the highest
/// version folder not above the server's, else DB/name, else the generic one.
std::optional<std::filesystem::path> pick(const std::filesystem::path& root, const std::string& db,
                                          const std::string& version, const std::string& name);

/// Splits a SQL script into statements at `;` outside quotes; drops `--` comment lines.
std::vector<std::string> split_sql(const std::string& script);

/// The statements of the harness's init/ seed for `db` (tables authors and posts, with rows),
/// without the role, grant and ownership lines a scratch namespace cannot run.
std::vector<std::string> seed_statements(const std::string& db);

/// One changelog a suite runs: Liquibase's harness changelogs (from its seed schema) and this
/// project's own (examples/, tests/data/changelogs, tests/data/projects, from empty).
struct HarnessCase {
    std::string name;          ///< as reported and in the allow-lists
    std::filesystem::path dir; ///< the tools run here, so FILENAME is `file`
    std::string file;          ///< the changelog, relative to dir
    bool seeded = true;        ///< starts from the harness's init schema (else an empty database)
    bool project = false;
};

/// Whether the file is a changelog by its extension.
bool is_changelog(const std::filesystem::path& path);
/// The change and data changelogs of the harness the runner runs on `db`: no pro-only
/// change types, none its expected SQL marks INVALID or SKIP.
std::vector<HarnessCase> harness_cases(const std::string& db);
/// The project's own changelogs.
std::vector<HarnessCase> project_cases();

/// The entries of an allow-list file: the text before `#` on each line, trimmed.
std::set<std::string> allow_list(const std::filesystem::path& file);

/// A scratch namespace (tests/support ServerScratch) as the real Liquibase reaches it.
struct JdbcTarget {
    std::string url, user, password;
};
JdbcTarget harness_jdbc_url(const std::string& db, const ServerScratch& scratch);

/// Runs LiquibaseDriver.java's jobs (one a line, see there) in one JVM of the real Liquibase
/// (`launcher`: STRATA_LIQUIBASE), compiling the driver once per build tree. Writes
/// `work_stem`.jobs/.results/.log; returns one result line a job it ran ("OK" or
/// "ERROR<TAB>message"); `error` says why it could not run them all.
std::vector<std::string> run_liquibase_driver(const std::string& launcher, const std::string& jobs,
                                              const std::filesystem::path& work_stem,
                                              std::string& error);

} // namespace strata::test
