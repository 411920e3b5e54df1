// SPDX-License-Identifier: Apache-2.0
// From a URL to the database file, and the settings of every connection.
#include "sqlite_dialect_class.hpp"
#include "table_rebuild.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <fcntl.h>
#include <filesystem>
#include <fmt/format.h>
#include <regex>
#include <strata/text.hpp>
#include <sys/file.h>
#include <thread>
#include <unistd.h>

namespace strata::dialect::sqlite {

ConnectionSpec SqliteDialect::connection_spec(const ConnectionTarget& target) const {
    std::string_view url = target.url;
    for (std::string_view scheme : {"jdbc:sqlite:", "sqlite:"}) {
        if (url.starts_with(scheme)) {
            url.remove_prefix(scheme.size());
            break;
        }
    }
    std::string path(url.substr(0, url.find('?')));
    if (path.starts_with("//"))
        path.erase(0, 2);
    if (path.empty())
        throw Error(ErrorKind::Usage,
                    fmt::format("the URL '{}' names no database file", target.url), {},
                    "write sqlite:PATH or jdbc:sqlite:PATH, e.g. sqlite:app.db");
    if (!target.default_schema.empty() && to_lower(target.default_schema) != "main")
        throw Error(ErrorKind::Usage,
                    fmt::format("--default-schema-name={}: SQLite has no schemas but the file's "
                                "own (main)",
                                target.default_schema),
                    {}, "leave --default-schema-name out for SQLite, or use another file");
    if (!target.liquibase_schema.empty() && to_lower(target.liquibase_schema) != "main")
        throw Error(ErrorKind::Usage,
                    fmt::format("--liquibase-schema-name={}: SQLite has no schemas but the file's "
                                "own (main)",
                                target.liquibase_schema),
                    {}, "leave --liquibase-schema-name out for SQLite");
    ConnectionSpec spec;
    spec.soci_backend = "sqlite3";
    // SOCI splits its connect string on spaces; a bare path (no '=') is taken whole.
    spec.connect_string = path.find_first_of(" =") == std::string::npos ? "db=" + path : path;
    spec.display = target.url;
    spec.database_file = path == ":memory:" ? std::string() : path;
    return spec;
}

void SqliteDialect::prepare_session(Connection& connection) const {
    // Concurrent runs wait for each other's write transactions instead of failing.
    connection.execute("PRAGMA busy_timeout = 60000");
    // Foreign keys stay unenforced, as with Liquibase's driver: enforcing them would make the
    // DROP TABLE of a table rebuild cascade into the rows that reference it.
    connection.execute("PRAGMA foreign_keys = OFF");
}

std::optional<ScratchNamespace> SqliteDialect::scratch_namespace(const std::string& /*url*/,
                                                                 const std::string& name) const {
    // A file of its own in the temporary directory: an in-memory database would be gone
    // with the connection that made it.
    std::string file = (std::filesystem::temp_directory_path() / (name + ".db")).string();
    return ScratchNamespace{{}, {}, "sqlite:" + file, file};
}

} // namespace strata::dialect::sqlite
