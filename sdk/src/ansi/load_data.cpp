// SPDX-License-Identifier: Apache-2.0
// loadData and loadUpdateData: the CSV rows typed by the change's columns, and files read
// relative to the changelog.
#include "ansi_internal.hpp"
#include "strata/csv.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <fstream>
#include <sstream>

namespace strata {

using ansi_detail::ansi_reserved_word;
using ansi_detail::required;
using ansi_detail::strip_comments;

std::string AnsiDialect::read_referenced_file(const Change& change, std::string_view key) const {
    std::string path = change.file_path(key);
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error(ErrorKind::Validation,
                    fmt::format("{} cannot read the file '{}'", change.type_name(), path),
                    change.where,
                    "paths are relative to the working directory, or to the changelog with "
                    "relativeToChangelogFile=\"true\"");
    std::ostringstream content;
    content << in.rdbuf();
    return content.str();
}

std::string AnsiDialect::large_text_type() const {
    return "CLOB";
}

std::string AnsiDialect::upsert(const std::string& table, const std::vector<std::string>& columns,
                                const std::vector<std::string>& values,
                                const std::vector<std::string>& key_columns) const {
    // INSERT ... ON CONFLICT, shared by SQLite and PostgreSQL; MySQL overrides it.
    std::vector<std::string> updates;
    for (const std::string& column : columns) {
        if (std::find(key_columns.begin(), key_columns.end(), column) == key_columns.end())
            updates.push_back(column + " = excluded." + column);
    }
    return fmt::format(
        "INSERT INTO {} ({}) VALUES ({}) ON CONFLICT ({}) DO {}", table, fmt::join(columns, ", "),
        fmt::join(values, ", "), fmt::join(key_columns, ", "),
        updates.empty() ? "NOTHING" : fmt::format("UPDATE SET {}", fmt::join(updates, ", ")));
}

namespace {

// How loadData's <column type="..."> turns a CSV text into a value attribute.
std::string value_attribute(std::string_view type) {
    std::string t = to_upper(type);
    if (t == "NUMERIC" || t == "NUMBER" || t == "INTEGER" || t == "INT" || t == "DECIMAL")
        return "valueNumeric";
    if (t == "BOOLEAN")
        return "valueBoolean";
    if (t == "DATE" || t == "DATETIME" || t == "TIMESTAMP")
        return "valueDate";
    if (t == "COMPUTED")
        return "valueComputed";
    return "value";
}

std::string boolean_text(std::string_view text) {
    std::string v = to_upper(trim(text));
    return v == "TRUE" || v == "T" || v == "1" || v == "Y" || v == "YES" ? "true" : "false";
}

} // namespace

std::vector<Column> AnsiDialect::load_data_rows(const Change& change,
                                                std::vector<std::vector<Column>>& rows) const {
    csv::Options options;
    if (const std::string* separator = change.get("separator"); separator && !separator->empty())
        options.separator = (*separator == "\\t") ? '\t' : (*separator)[0];
    if (const std::string* quote = change.get("quotchar"); quote && !quote->empty())
        options.quote = (*quote)[0];
    if (const std::string* comment = change.get("commentLineStartsWith"))
        options.comment = *comment;
    std::vector<csv::Record> records =
        csv::parse(read_referenced_file(change, "file"), options, change.file_path("file"));
    if (records.empty())
        throw Error(ErrorKind::Validation,
                    fmt::format("{} found no header row in '{}'", change.type_name(),
                                change.file_path("file")),
                    change.where);
    // One configuration per CSV column: from <column header=... | name=...>, else the header
    // itself.
    std::vector<Column> configs;
    for (const csv::Field& header : records[0]) {
        Column config;
        config.attributes.emplace("name", header.text);
        for (const Column& column : change.columns) {
            const std::string* by_header = column.get("header");
            if ((by_header && *by_header == header.text) ||
                (!by_header && column.name() == header.text)) {
                config = column;
                break;
            }
        }
        configs.push_back(config);
    }
    for (std::size_t r = 1; r < records.size(); ++r) {
        std::vector<Column> row;
        for (std::size_t c = 0; c < configs.size(); ++c) {
            const Column& config = configs[c];
            std::string type = config.get("type") ? *config.get("type") : "STRING";
            if (to_upper(type) == "SKIP")
                continue;
            Column value;
            value.attributes.emplace("name", config.name());
            const csv::Field* field = c < records[r].size() ? &records[r][c] : nullptr;
            std::string placeholder =
                config.get("nullPlaceholder") ? *config.get("nullPlaceholder") : "NULL";
            bool is_null = field == nullptr ||
                           (!field->quoted && (field->text.empty() ||
                                               to_upper(field->text) == to_upper(placeholder)));
            if (!is_null) {
                std::string attribute = value_attribute(type);
                value.attributes.emplace(attribute, attribute == "valueBoolean"
                                                        ? boolean_text(field->text)
                                                        : field->text);
            }
            row.push_back(std::move(value));
        }
        rows.push_back(std::move(row));
    }
    return configs;
}

} // namespace strata
