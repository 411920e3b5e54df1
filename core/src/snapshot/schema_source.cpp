// SPDX-License-Identifier: Apache-2.0
#include "strata/core/schema_source.hpp"

#include "strata/error.hpp"
#include "strata/text.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace strata {

bool is_snapshot_url(std::string_view url) {
    return url.starts_with(kSnapshotUrlPrefix);
}

namespace {

bool skipped(const std::vector<std::string>& skip_tables, const std::string& name) {
    return std::ranges::any_of(
        skip_tables, [&](const std::string& skip) { return to_lower(skip) == to_lower(name); });
}

snapshot::Schema read_snapshot_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error(ErrorKind::Usage, "cannot read the snapshot file '" + path + "'", {},
                    "write one with `strata snapshot --output-file=" + path + "`");
    std::ostringstream text;
    text << in.rdbuf();
    return parse_snapshot_json(text.str(), path);
}

} // namespace

snapshot::Schema read_schema(Database& database, const SchemaReadOptions& options) {
    snapshot::Schema schema = database.dialect().snapshot(database.connection(), options.scope);
    std::erase_if(schema.tables, [&](const snapshot::Table& table) {
        return skipped(options.skip_tables, table.name);
    });
    if (schema.database.empty())
        schema.database = database.dialect().name();
    schema.normalize();
    return schema;
}

snapshot::Schema read_schema(const DatabaseOptions& options,
                             const SchemaReadOptions& read_options) {
    if (is_snapshot_url(options.url)) {
        snapshot::Schema schema =
            read_snapshot_file(std::string(options.url.substr(kSnapshotUrlPrefix.size())));
        std::erase_if(schema.tables, [&](const snapshot::Table& table) {
            return skipped(read_options.skip_tables, table.name);
        });
        return schema;
    }
    DatabaseOptions read_only = options;
    read_only.read_only = true; // reading a schema never creates a database file
    Database database = open_database(read_only);
    return read_schema(database, read_options);
}

} // namespace strata
