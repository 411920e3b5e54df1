// SPDX-License-Identifier: Apache-2.0
// Helpers shared by the suites: scratch directories, running the real `strata` binary,
// and reading a SQLite database directly (no mocks: always the real file).
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <strata/connection.hpp>
#include <string>
#include <vector>

namespace strata::test {

/// A fresh directory under the system temp dir, removed when the object dies.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    [[nodiscard]] const std::filesystem::path& path() const { return path_; }
    [[nodiscard]] std::filesystem::path operator/(const std::string& name) const {
        return path_ / name;
    }

private:
    std::filesystem::path path_;
};

void write_file(const std::filesystem::path& path, const std::string& content);
std::string read_file(const std::filesystem::path& path);

struct CommandResult {
    int exit_code = -1;
    std::string out;
    std::string err;
};

/// Runs a program with arguments in `cwd` (environment additions in `env`), capturing output.
CommandResult run_program(const std::string& program, const std::vector<std::string>& args,
                          const std::filesystem::path& cwd,
                          const std::map<std::string, std::string>& env = {});

/// Runs the built `strata` binary.
CommandResult run_strata(const std::vector<std::string>& args, const std::filesystem::path& cwd,
                         const std::map<std::string, std::string>& env = {});

/// Opens the SQLite file through core's SOCI connection and runs one query.
ResultSet query_sqlite(const std::filesystem::path& database, const std::string& sql);
/// The single value of a one-row, one-column query ("" for NULL).
std::string scalar_sqlite(const std::filesystem::path& database, const std::string& sql);

/// A Liquibase XML changelog around the given changeSet elements.
std::string xml_changelog(const std::string& body);

/// The scratch schema (PostgreSQL) or database (MariaDB) a `rehearse` report names in its
/// "scratch" URL, such as strata_rehearse_<pid>_<random>; "" when it names none. Tests check
/// that this one is gone: other tests may rehearse on the same server at the same time.
std::string rehearse_scratch_name(const std::string& scratch_label);

/// Whether a changeset of rehearse's JSON report (given as its JSON text) lists a lock of
/// `mode` on `table` among the locks it held.
bool rehearse_held_lock(const std::string& changeset_json, const std::string& table,
                        const std::string& mode);

/// The example changelog of the README.
std::filesystem::path example_changelog();

/// A schema (PostgreSQL) or database (MariaDB) of its own on the test server of `kind`
/// ("postgresql" or "mysql", from STRATA_TEST_PG_URL / STRATA_TEST_MYSQL_URL), dropped when
/// the object dies. `url()` points at it; `admin()` is a connection to run checks with.
class ServerScratch {
public:
    /// Fails the test (ADD_FAILURE, returns false from ok()) when the variable is not set,
    /// unless STRATA_TEST_ALLOW_MISSING_SERVERS=1: then skipped() says to skip.
    explicit ServerScratch(const std::string& kind);
    ~ServerScratch();
    ServerScratch(const ServerScratch&) = delete;
    ServerScratch& operator=(const ServerScratch&) = delete;

    [[nodiscard]] bool ok() const { return admin_ != nullptr; }
    [[nodiscard]] bool skipped() const { return skipped_; }
    /// The server URL the scratch namespace was made beside.
    [[nodiscard]] const std::string& base_url() const { return base_url_; }
    [[nodiscard]] const std::string& url() const { return url_; }
    [[nodiscard]] const std::string& name() const { return name_; }
    [[nodiscard]] Connection& admin();
    /// The single value of a one-row, one-column query in the scratch namespace.
    std::string scalar(const std::string& sql);

private:
    std::string kind_;
    std::string base_url_;
    bool skipped_ = false;
    std::string url_;
    std::string name_;
    std::shared_ptr<void> database_; ///< the strata::Database holding admin_
    Connection* admin_ = nullptr;
};

} // namespace strata::test
