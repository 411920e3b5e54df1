// SPDX-License-Identifier: Apache-2.0
// loadData and loadUpdateData: the CSV rows typed by the change's columns, and files read
// relative to the changelog.
#include "ansi_internal.hpp"
#include "strata/csv.hpp"
#include "strata/input_limits.hpp"

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

std::string AnsiDialect::bytes_literal(std::string_view bytes) const {
    std::string hex = "X'";
    for (unsigned char byte : bytes)
        hex += fmt::format("{:02X}", byte);
    return hex + "'";
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

// A configuration added from the live table, not written in the changelog.
constexpr const char* kLiveType = "strata.liveType";

// The load type Liquibase gives a column of this SQL type; "" for none it converts (binary
// and unknown types keep the text as written).
std::string load_type(const std::string& sql_type, const std::string& column_type) {
    std::string full = to_upper(trim(column_type.empty() ? sql_type : column_type));
    // MySQL's BOOLEAN is TINYINT(1); its driver reports that and BIT(1) as booleans.
    if (full.starts_with("TINYINT(1)") || full.starts_with("BIT(1)"))
        return "BOOLEAN";
    switch (ansi_detail::value_class(sql_type)) {
    case ansi_detail::ValueClass::Numeric:
        return "NUMERIC";
    case ansi_detail::ValueClass::Boolean:
        return "BOOLEAN";
    case ansi_detail::ValueClass::Date:
        return "DATE";
    case ansi_detail::ValueClass::Text:
        return "STRING";
    default:
        break;
    }
    // information_schema spells some types in words.
    std::string upper = to_upper(sql_type);
    if (upper.starts_with("CHARACTER") || upper == "TEXT")
        return "STRING";
    if (upper.starts_with("TIMESTAMP") || upper.starts_with("TIME "))
        return "DATE";
    if (upper == "DOUBLE PRECISION")
        return "NUMERIC";
    return {};
}

// A BLOB or CLOB value of loadData is a file's name, relative to the changelog's directory
// (measured with Liquibase 4.28: not to the CSV's, not to the working directory), whose
// text (CLOB) or bytes (BLOB, as base64) go in; a BLOB value that is base64 is the bytes.
std::string large_object_text(const Change& change, const std::string& load,
                              const std::string& text) {
    if (load == "BLOB" && decode_base64(text))
        return text;
    std::filesystem::path file = text;
    if (file.is_relative() && !change.where.file.empty())
        file = std::filesystem::path(change.where.file).parent_path() / file;
    std::string content =
        read_regular_file(file, ErrorKind::Validation, change.where,
                          fmt::format("the {} file of {}", load, change.type_name()));
    return load == "BLOB" ? encode_base64(content) : content;
}

const std::string* find_ci(const ResultSet& result, const Row& row, std::string_view name) {
    for (std::size_t i = 0; i < result.columns.size() && i < row.size(); ++i) {
        if (to_lower(result.columns[i]) == name)
            return row[i] ? &*row[i] : nullptr;
    }
    return nullptr;
}

} // namespace

Change ansi_detail::with_live_column_types(const Change& change, Connection& connection,
                                           const Dialect& dialect,
                                           const std::string& schema_expression) {
    std::string table = change.value("tableName");
    if (table.empty())
        return change;
    const std::string* schema = change.get("schemaName");
    std::vector<std::pair<std::string, std::string>> live; // name, load type
    bool catalog = true;
    try {
        // SELECT *: PostgreSQL has no COLUMN_TYPE, MySQL's tells TINYINT(1) from TINYINT.
        ResultSet result = connection.query(fmt::format(
            "SELECT * FROM information_schema.columns WHERE lower(table_name) = lower({}) AND "
            "table_schema = {}",
            dialect.quote_literal(table),
            schema && !schema->empty() ? dialect.quote_literal(*schema) : schema_expression));
        for (const Row& row : result.rows) {
            const std::string* name = find_ci(result, row, "column_name");
            const std::string* type = find_ci(result, row, "data_type");
            const std::string* full = find_ci(result, row, "column_type");
            if (name && type)
                live.emplace_back(*name, load_type(*type, full ? *full : std::string()));
        }
    } catch (const Error&) {
        catalog = false; // no information_schema: SQLite
    }
    if (!catalog) {
        try {
            ResultSet result = connection.query(fmt::format(
                "SELECT name, type FROM pragma_table_info({})", dialect.quote_literal(table)));
            for (const Row& row : result.rows)
                live.emplace_back(row[0].value_or(""), load_type(row[1].value_or(""), ""));
        } catch (const Error&) {
            return change; // the table's columns are unknown: the values stay untyped
        }
    }
    Change typed = change;
    for (const auto& [name, type] : live) {
        if (type.empty())
            continue;
        Column config;
        config.attributes.emplace("name", name);
        config.attributes.emplace("type", type);
        config.attributes.emplace(kLiveType, "true");
        typed.columns.push_back(std::move(config));
    }
    return typed;
}

std::vector<Column> AnsiDialect::load_data_rows(const Change& change,
                                                std::vector<std::vector<Column>>& rows) const {
    csv::Options options;
    if (const std::string* separator = change.get("separator"); separator && !separator->empty())
        options.separator = (*separator == "\\t") ? '\t' : (*separator)[0];
    if (const std::string* quote = change.get("quotchar"); quote && !quote->empty())
        options.quote = (*quote)[0];
    // Liquibase skips a record whose first field, as parsed, starts with commentLineStartsWith
    // ("#" by default): a quoted "#x" too, an indented  #x not.
    std::string comment = "#";
    if (const std::string* marker = change.get("commentLineStartsWith"))
        comment = *marker;
    options.comment.clear();
    std::vector<csv::Record> records =
        csv::parse(read_referenced_file(change, "file"), options, change.file_path("file"));
    if (!comment.empty())
        records.erase(std::remove_if(records.begin(), records.end(),
                                     [&](const csv::Record& record) {
                                         return !record.empty() &&
                                                record[0].text.starts_with(comment);
                                     }),
                      records.end());
    if (records.empty())
        throw Error(ErrorKind::Validation,
                    fmt::format("{} found no header row in '{}'", change.type_name(),
                                change.file_path("file")),
                    change.where);
    // One configuration per CSV column: from <column header=... | name=...>, else one typed
    // from the live table (with_live_column_types), else the header itself, untyped.
    std::vector<Column> configs;
    for (const csv::Field& header : records[0]) {
        Column config;
        config.attributes.emplace("name", header.text);
        const Column* live = nullptr;
        const Column* written = nullptr;
        for (const Column& column : change.columns) {
            if (column.get(kLiveType) != nullptr) {
                if (live == nullptr && to_lower(column.name()) == to_lower(trim(header.text)))
                    live = &column;
                continue;
            }
            const std::string* by_header = column.get("header");
            if ((by_header && *by_header == header.text) ||
                (!by_header && column.name() == header.text)) {
                written = &column;
                break;
            }
        }
        if (written != nullptr) {
            config = *written;
            // A written column without a type is typed by the table, as Liquibase does.
            if (config.get("type") == nullptr && live != nullptr)
                config.attributes.emplace("type", *live->get("type"));
        } else if (live != nullptr) {
            config.attributes.emplace("type", *live->get("type"));
        }
        configs.push_back(config);
    }
    for (std::size_t r = 1; r < records.size(); ++r) {
        std::vector<Column> row;
        for (std::size_t c = 0; c < configs.size(); ++c) {
            const Column& config = configs[c];
            const std::string* type = config.get("type");
            std::string load = type ? to_upper(*type) : std::string();
            if (load == "SKIP")
                continue;
            Column value;
            value.attributes.emplace("name", config.name());
            const csv::Field* field = c < records[r].size() ? &records[r][c] : nullptr;
            std::string placeholder =
                config.get("nullPlaceholder") ? *config.get("nullPlaceholder") : "NULL";
            // An empty field is '' in a text column (typed STRING, or a text column of the
            // table) and NULL in any other or untyped one, quoted or not.
            bool text = load == "STRING";
            bool is_null = field == nullptr ||
                           (!field->quoted && to_upper(field->text) == to_upper(placeholder)) ||
                           (field->text.empty() && !text);
            if (!is_null && (load == "BLOB" || load == "CLOB")) {
                value.attributes.emplace("value", large_object_text(change, load, field->text));
            } else if (!is_null) {
                std::string attribute = value_attribute(load.empty() ? "STRING" : load);
                if (attribute == "valueNumeric" && !ansi_detail::numeric_text(trim(field->text)))
                    attribute = "value"; // not a number: the server converts or refuses it
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
