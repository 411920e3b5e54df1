// SPDX-License-Identifier: Apache-2.0
#include "harness_support.hpp"

#include "test_support.hpp"

#include <fstream>
#include <sstream>
#include <strata/text.hpp>

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

} // namespace strata::test
