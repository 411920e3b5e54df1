// SPDX-License-Identifier: Apache-2.0
#include "harness_support.hpp"

#include "test_support.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <strata/text.hpp>
#include <unistd.h>

namespace strata::test {

namespace fs = std::filesystem;

fs::path harness_root() {
    return fs::path(STRATA_SHARED_DIR) / "liquibase-test-harness";
}

std::string harness_version(const std::string& db) {
    return db == "postgresql" ? "15" : db == "mariadb" ? "10.11" : "3";
}

bool version_le(const std::string& a, const std::string& b) {
    std::istringstream left(a), right(b);
    std::string x, y;
    while (true) {
        bool more_left = static_cast<bool>(std::getline(left, x, '.'));
        bool more_right = static_cast<bool>(std::getline(right, y, '.'));
        if (!more_left)
            return true;
        if (!more_right)
            return false;
        if (std::stoi(x) != std::stoi(y))
            return std::stoi(x) < std::stoi(y);
    }
}

std::optional<fs::path> pick(const fs::path& root, const std::string& db,
                             const std::string& version, const std::string& name) {
    std::optional<fs::path> best;
    std::string best_version;
    if (fs::is_directory(root / db))
        for (const auto& entry : fs::directory_iterator(root / db))
            if (entry.is_directory() && std::isdigit(entry.path().filename().string()[0]) &&
                fs::exists(entry.path() / name) &&
                version_le(entry.path().filename().string(), version) &&
                (best_version.empty() ||
                 version_le(best_version, entry.path().filename().string()))) {
                best = entry.path() / name;
                best_version = entry.path().filename().string();
            }
    if (best)
        return best;
    if (fs::exists(root / db / name))
        return root / db / name;
    if (fs::exists(root / name))
        return root / name;
    return std::nullopt;
}

std::vector<std::string> split_sql(const std::string& script) {
    std::vector<std::string> statements;
    std::string current;
    char quote = 0;
    std::istringstream lines(script);
    std::string line;
    while (std::getline(lines, line)) {
        if (quote == 0 && trim(line).rfind("--", 0) == 0)
            continue;
        for (char c : line) {
            if (quote != 0) {
                if (c == quote)
                    quote = 0;
            } else if (c == '\'' || c == '"' || c == '`') {
                quote = c;
            } else if (c == ';') {
                if (!trim(current).empty())
                    statements.push_back(trim(current));
                current.clear();
                continue;
            }
            current += c;
        }
        current += '\n';
    }
    if (!trim(current).empty())
        statements.push_back(trim(current));
    return statements;
}

std::vector<std::string> seed_statements(const std::string& db) {
    const fs::path init = harness_root() / "init";
    if (db == "sqlite")
        return split_sql(read_file(init / "sqlite-init.sql"));
    if (db == "mariadb") {
        std::vector<std::string> out;
        for (const std::string& s : split_sql(read_file(init / "mariadb-init.sql")))
            if (to_upper(s).rfind("GRANT", 0) != 0)
                out.push_back(s);
        return out;
    }
    // PostgreSQL: the SQL inside the heredoc, without the role and privilege lines.
    std::string script = read_file(init / "postgres-init.sh");
    std::size_t begin = script.find('\n', script.find("<<-EOSQL")) + 1;
    std::size_t end = script.find("\nEOSQL", begin);
    std::string body = script.substr(begin, end == std::string::npos ? end : end - begin);
    std::vector<std::string> out;
    for (const std::string& s : split_sql(body)) {
        std::string u = to_upper(s);
        if (u.rfind("CREATE USER", 0) == 0 || u.rfind("GRANT", 0) == 0 ||
            (u.rfind("ALTER TABLE", 0) == 0 && u.find("OWNER TO") != std::string::npos))
            continue;
        out.push_back(s);
    }
    return out;
}

namespace {

const fs::path kDriverSource = fs::path(STRATA_HARNESS_DIR) / "LiquibaseDriver.java";

/// Compiles the driver once per build tree (atomically: the database tests run in parallel).
std::string driver_classes(const fs::path& liquibase_home, std::string& error) {
    fs::path out = fs::path(STRATA_HARNESS_BINARY_DIR) / "liquibase-driver";
    fs::path marker = out / "LiquibaseDriver.class";
    if (fs::exists(marker) && fs::last_write_time(marker) >= fs::last_write_time(kDriverSource))
        return out.string();
    fs::path staging = fs::path(STRATA_HARNESS_BINARY_DIR) /
                       ("liquibase-driver." + std::to_string(static_cast<long>(getpid())));
    fs::create_directories(staging);
    CommandResult compiled =
        run_program("javac",
                    {"-nowarn", "-cp", (liquibase_home / "internal/lib/*").string(), "-d",
                     staging.string(), kDriverSource.string()},
                    fs::current_path());
    if (compiled.exit_code != 0) {
        error = "javac failed (openjdk-17-jdk-headless installed?): " + compiled.err;
        return {};
    }
    std::error_code ec;
    fs::remove_all(out, ec);
    fs::rename(staging, out, ec); // another test may have won the race: use whichever is there
    fs::remove_all(staging, ec);
    return out.string();
}

} // namespace

std::vector<std::string> run_liquibase_driver(const std::string& launcher, const std::string& jobs,
                                              const fs::path& work_stem, std::string& error) {
    fs::path home = fs::path(launcher).parent_path();
    std::string classes = driver_classes(home, error);
    std::vector<std::string> results;
    if (classes.empty())
        return results;
    fs::path job_file = work_stem.string() + ".jobs";
    fs::path result_file = work_stem.string() + ".results";
    write_file(job_file, jobs);
    std::string classpath =
        (home / "internal/lib/*").string() + ":" + (home / "lib/*").string() + ":" + classes;
    CommandResult java = run_program("java",
                                     {"-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp", classpath,
                                      "LiquibaseDriver", job_file.string(), result_file.string()},
                                     work_stem.parent_path());
    write_file(work_stem.string() + ".log", java.out + java.err);
    if (fs::exists(result_file)) {
        std::istringstream in(read_file(result_file));
        std::string line;
        while (std::getline(in, line))
            results.push_back(line);
    }
    if (java.exit_code != 0)
        error = "the Liquibase driver failed (exit " + std::to_string(java.exit_code) +
                "): " + java.err.substr(0, 2000);
    return results;
}

JdbcTarget harness_jdbc_url(const std::string& db, const ServerScratch& scratch) {
    std::smatch m;
    const std::string& url = scratch.base_url();
    if (!std::regex_search(url, m,
                           std::regex(R"(^\w+://([^:@/]+):([^@/]*)@([^:/]+):(\d+)/([^?]+))")))
        return {};
    std::string host = m[3].str() + ":" + m[4].str();
    if (db == "postgresql")
        return {"jdbc:postgresql://" + host + "/" + m[5].str() + "?currentSchema=" + scratch.name(),
                m[1], m[2]};
    return {"jdbc:mariadb://" + host + "/" + scratch.name(), m[1], m[2]};
}

std::set<std::string> allow_list(const fs::path& file) {
    std::set<std::string> entries;
    std::ifstream in(file);
    std::string line;
    while (std::getline(in, line)) {
        std::string entry = trim(line.substr(0, line.find('#')));
        if (!entry.empty())
            entries.insert(entry);
    }
    return entries;
}

bool is_changelog(const fs::path& path) {
    std::string ext = to_lower(path.extension().string());
    return ext == ".xml" || ext == ".yaml" || ext == ".yml" || ext == ".json" || ext == ".sql";
}

namespace {

// The change types only Liquibase Pro runs, which the runner leaves out.
std::set<std::string> pro_only(const std::string& db) {
    std::set<std::string> names;
    for (const fs::path& list :
         {harness_root() / "change/expectedSql/proOnlyChangetypes.txt",
          harness_root() / "change/expectedSql" / db / "proOnlyChangetypes.txt"}) {
        std::ifstream in(list);
        std::string line;
        while (std::getline(in, line))
            if (!trim(line).empty() && trim(line)[0] != '#')
                names.insert(trim(line));
    }
    return names;
}

} // namespace

std::vector<HarnessCase> harness_cases(const std::string& db) {
    std::set<std::string> pro = pro_only(db);
    std::vector<HarnessCase> cases;
    for (const char* kind : {"change", "data"}) {
        fs::path generic = harness_root() / kind / "changelogs";
        std::map<std::string, fs::path> by_stem; // a DB folder file overrides the generic one
        for (const fs::path& dir : {generic, generic / db}) {
            if (!fs::is_directory(dir))
                continue;
            for (const auto& entry : fs::directory_iterator(dir))
                if (entry.is_regular_file() && is_changelog(entry.path()))
                    by_stem[entry.path().stem().string()] = entry.path();
        }
        for (const auto& [stem, path] : by_stem) {
            if (pro.count(stem) != 0 || read_file(path).find("<pro:") != std::string::npos)
                continue;
            std::string expected =
                read_file(harness_root() / kind / "expectedSql" / db / (stem + ".sql"));
            if (expected.find("INVALID TEST") != std::string::npos ||
                expected.find("SKIP TEST") != std::string::npos)
                continue;
            cases.push_back({path.filename().string(), path.parent_path(), path.filename().string(),
                             true, false});
        }
    }
    return cases;
}

std::vector<HarnessCase> project_cases() {
    std::vector<HarnessCase> cases;
    fs::path source(STRATA_SOURCE_DIR);
    for (const fs::path& dir : {source / "tests/data/changelogs", source / "examples/changelogs"}) {
        std::vector<fs::path> files;
        for (const auto& entry : fs::recursive_directory_iterator(dir))
            if (entry.is_regular_file() && is_changelog(entry.path()))
                files.push_back(entry.path());
        std::sort(files.begin(), files.end());
        for (const fs::path& path : files)
            cases.push_back({fs::relative(path, source).string(), path.parent_path(),
                             path.filename().string(), false, true});
    }
    // A project of tests/data/projects is one case: its master changelog includes the rest.
    std::vector<fs::path> masters;
    for (const auto& entry : fs::directory_iterator(source / "tests/data/projects"))
        if (fs::is_regular_file(entry.path() / "master.xml"))
            masters.push_back(entry.path() / "master.xml");
    std::sort(masters.begin(), masters.end());
    for (const fs::path& path : masters)
        cases.push_back({fs::relative(path, source).string(), path.parent_path(),
                         path.filename().string(), false, true});
    return cases;
}

} // namespace strata::test
