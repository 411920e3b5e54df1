// SPDX-License-Identifier: Apache-2.0
#include "test_support.hpp"

#include <atomic>
#include <cstdlib>
#include <fmt/format.h>
#include <fstream>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <random>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <strata/core/open_database.hpp>
#include <sys/wait.h>
#include <unistd.h>

namespace strata::test {
namespace {

std::string shell_quote(const std::string& text) {
    std::string quoted = "'";
    for (char c : text)
        quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return quoted + "'";
}

} // namespace

TempDir::TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "strata-test-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr)
        throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
}

TempDir::~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

void write_file(const std::filesystem::path& path, const std::string& content) {
    std::filesystem::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary);
    out << content;
}

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream content;
    content << in.rdbuf();
    return content.str();
}

CommandResult run_program(const std::string& program, const std::vector<std::string>& args,
                          const std::filesystem::path& cwd,
                          const std::map<std::string, std::string>& env) {
    TempDir capture;
    std::string command = "cd " + shell_quote(cwd.string()) + " && ";
    for (const auto& [name, value] : env)
        command += name + "=" + shell_quote(value) + " ";
    command += shell_quote(program);
    for (const std::string& arg : args)
        command += " " + shell_quote(arg);
    command += " >" + shell_quote((capture / "out").string()) + " 2>" +
               shell_quote((capture / "err").string()) + " </dev/null";
    int status = std::system(command.c_str());
    CommandResult result;
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    result.out = read_file(capture / "out");
    result.err = read_file(capture / "err");
    return result;
}

CommandResult run_strata(const std::vector<std::string>& args, const std::filesystem::path& cwd,
                         const std::map<std::string, std::string>& env) {
    return run_program(STRATA_CLI_PATH, args, cwd, env);
}

ResultSet query_sqlite(const std::filesystem::path& database, const std::string& sql) {
    DatabaseOptions options;
    options.url = "sqlite:" + database.string();
    options.plugin_dirs = {STRATA_PLUGIN_DIR};
    // The dialect's session waits for other writers (busy_timeout), as strata's own does.
    Database session = open_database(options);
    return session.connection().query(sql);
}

std::string scalar_sqlite(const std::filesystem::path& database, const std::string& sql) {
    ResultSet result = query_sqlite(database, sql);
    if (result.rows.empty() || result.rows[0].empty())
        return {};
    return result.rows[0][0].value_or("");
}

std::string xml_changelog(const std::string& body) {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
           "<databaseChangeLog xmlns=\"http://www.liquibase.org/xml/ns/dbchangelog\"\n"
           "    xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"\n"
           "    xsi:schemaLocation=\"http://www.liquibase.org/xml/ns/dbchangelog "
           "http://www.liquibase.org/xml/ns/dbchangelog/dbchangelog-latest.xsd\">\n" +
           body + "\n</databaseChangeLog>\n";
}

std::string rehearse_scratch_name(const std::string& scratch_label) {
    std::smatch found;
    if (std::regex_search(scratch_label, found,
                          std::regex(R"([A-Za-z0-9_]*strata_rehearse_\d+_[0-9a-f]+)")))
        return found[0];
    return {};
}

bool rehearse_held_lock(const std::string& changeset_json, const std::string& table,
                        const std::string& mode) {
    const nlohmann::json changeset = nlohmann::json::parse(changeset_json);
    for (const nlohmann::json& lock : changeset.at("locks"))
        if (lock["table"] == table && lock["mode"] == mode)
            return true;
    return false;
}

std::filesystem::path example_changelog() {
    return std::filesystem::path(STRATA_SOURCE_DIR) / "examples" / "changelogs" / "app.xml";
}

ServerScratch::ServerScratch(const std::string& kind) : kind_(kind) {
    const char* variable = kind == "postgresql" ? "STRATA_TEST_PG_URL" : "STRATA_TEST_MYSQL_URL";
    const char* base = std::getenv(variable);
    if (base == nullptr || *base == '\0') {
        const char* allow = std::getenv("STRATA_TEST_ALLOW_MISSING_SERVERS");
        if (allow != nullptr && std::string(allow) == "1") {
            skipped_ = true;
            return;
        }
        ADD_FAILURE() << variable << " is not set: start the servers (scripts/start-servers.sh)";
        return;
    }
    base_url_ = base;
    static std::atomic<int> counter{0};
    std::random_device random;
    name_ = fmt::format("strata_test_scratch_{}_{}_{:04x}", getpid(), counter++, random() & 0xffff);
    std::string url = base;
    DatabaseOptions options;
    options.url = url;
    options.plugin_dirs = {STRATA_PLUGIN_DIR};
    auto database = std::make_shared<Database>(open_database(options));
    if (kind == "postgresql") {
        database->connection().execute("CREATE SCHEMA " + name_);
        url_ = url + (url.find('?') == std::string::npos ? "?" : "&") + "currentSchema=" + name_;
        database->connection().execute("SET search_path TO " + name_);
    } else {
        database->connection().execute("CREATE DATABASE " + name_);
        database->connection().execute("USE " + name_);
        std::size_t query = url.find('?');
        std::size_t slash = url.rfind('/', query == std::string::npos ? std::string::npos : query);
        url_ = url.substr(0, slash + 1) + name_ +
               (query == std::string::npos ? std::string() : url.substr(query));
    }
    admin_ = &database->connection();
    database_ = database;
}

ServerScratch::~ServerScratch() {
    if (admin_ == nullptr)
        return;
    try {
        admin_->execute(kind_ == "postgresql" ? "DROP SCHEMA " + name_ + " CASCADE"
                                              : "DROP DATABASE " + name_);
    } catch (const std::exception&) {
        // a test that broke the connection leaves the namespace; names never collide
    }
}

Connection& ServerScratch::admin() {
    if (admin_ == nullptr)
        throw std::runtime_error("no test server");
    return *admin_;
}

std::string ServerScratch::scalar(const std::string& sql) {
    ResultSet result = admin().query(sql);
    if (result.rows.empty() || result.rows[0].empty())
        return "";
    return result.rows[0][0].value_or("");
}

} // namespace strata::test
