// SPDX-License-Identifier: Apache-2.0
// Capturing what a destructive change destroys, and restoring it on rollback.
#include "ansi_internal.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace strata {

using ansi_detail::ansi_reserved_word;
using ansi_detail::required;
using ansi_detail::strip_comments;

std::string AnsiDialect::encode_fields(const std::vector<std::string>& fields) {
    std::string text;
    for (const std::string& field : fields)
        text += std::to_string(field.size()) + ":" + field;
    return text;
}

std::vector<std::string> AnsiDialect::decode_fields(std::string_view text) {
    std::vector<std::string> fields;
    while (!text.empty()) {
        std::size_t colon = text.find(':');
        if (colon == std::string_view::npos)
            break;
        std::size_t length = std::stoul(std::string(text.substr(0, colon)));
        fields.emplace_back(text.substr(colon + 1, length));
        text.remove_prefix(std::min(text.size(), colon + 1 + length));
    }
    return fields;
}

std::vector<std::string> AnsiDialect::restore_statements(Connection&, const Change&) const {
    return {};
}

std::vector<std::string>
AnsiDialect::delete_inserted_rows(const Change& change,
                                  const std::vector<std::string>& keys) const {
    std::vector<std::vector<Column>> rows;
    if (change.kind == ChangeKind::Insert)
        rows.push_back(change.columns);
    else
        load_data_rows(change, rows);
    std::vector<std::string> statements;
    for (const std::vector<Column>& row : rows) {
        std::vector<std::string> conditions;
        for (const std::string& key : keys) {
            auto it = std::find_if(row.begin(), row.end(), [&](const Column& c) {
                return to_lower(c.name()) == to_lower(key);
            });
            if (it == row.end())
                throw Error(ErrorKind::Rollback,
                            fmt::format("{} cannot be rolled back: a row gives no value for the "
                                        "primary key column '{}'",
                                        change.type_name(), key),
                            change.where, "add a <rollback> block that deletes the rows");
            conditions.push_back(quote_identifier(it->name()) + " = " + value_literal(*it));
        }
        statements.push_back(fmt::format("DELETE FROM {} WHERE {}", qualified(change, "tableName"),
                                         fmt::join(conditions, " AND ")));
    }
    return statements;
}

const std::vector<std::string>& AnsiDialect::cached_primary_key(Connection& connection,
                                                                const std::string& table) const {
    if (primary_keys_.connection != &connection)
        primary_keys_ = {&connection, {}};
    auto known = primary_keys_.keys.find(table);
    if (known == primary_keys_.keys.end())
        known = primary_keys_.keys.emplace(table, primary_key_columns(connection, table)).first;
    return known->second;
}

void AnsiDialect::forget_keys_altered_by(const Change& change) const {
    switch (change.kind) {
    // Changes of rows only, and changes that touch nothing in the database.
    case ChangeKind::Insert:
    case ChangeKind::LoadData:
    case ChangeKind::LoadUpdateData:
    case ChangeKind::Update:
    case ChangeKind::BatchUpdate:
    case ChangeKind::Delete:
    case ChangeKind::Empty:
    case ChangeKind::Output:
    case ChangeKind::Stop:
    case ChangeKind::TagDatabase:
        return;
    default:
        primary_keys_.keys.clear();
    }
}

// Two kinds of captures: the primary key of an insert's table (the rollback deletes exactly
// the rows inserted), or the statements that recreate what a drop destroys.
std::optional<std::string> AnsiDialect::capture(Connection& connection,
                                                const Change& change) const {
    forget_keys_altered_by(change);
    switch (change.kind) {
    case ChangeKind::Insert:
    case ChangeKind::LoadData:
    case ChangeKind::LoadUpdateData: {
        std::vector<std::string> record{"keys", change.value("tableName")};
        try {
            const std::vector<std::string>& keys =
                cached_primary_key(connection, change.value("tableName"));
            record.insert(record.end(), keys.begin(), keys.end());
        } catch (const Error& error) {
            // Keys are only kept for a later rollback: a database whose catalogue the base
            // cannot read (a dialect that did not override primary_key_columns) still inserts,
            // and the rollback then asks for a <rollback> block.
            if (error.kind() != ErrorKind::Database)
                throw;
            return std::nullopt;
        }
        return record.size() > 2 ? std::optional<std::string>(encode_fields(record)) : std::nullopt;
    }
    default:
        break;
    }
    std::vector<std::string> statements = restore_statements(connection, change);
    if (statements.empty())
        return std::nullopt;
    std::vector<std::string> record{"statements", std::string(change.type_name())};
    record.insert(record.end(), statements.begin(), statements.end());
    return encode_fields(record);
}

std::vector<std::string> AnsiDialect::restore(const Change& change, const std::string& captured,
                                              const RenderContext&) const {
    forget_keys_altered_by(change);
    std::vector<std::string> record = decode_fields(captured);
    if (record.size() >= 2 && record[0] == "keys")
        return delete_inserted_rows(change,
                                    std::vector<std::string>(record.begin() + 2, record.end()));
    if (record.size() >= 2 && record[0] == "statements")
        return std::vector<std::string>(record.begin() + 2, record.end());
    throw Error(ErrorKind::Rollback,
                fmt::format("{} cannot be rolled back on {}: what it destroyed was not captured",
                            change.type_name(), name()),
                change.where, "add a <rollback> block to the changeset");
}

std::string AnsiDialect::capture_table_ddl(const TableName& table) const {
    return fmt::format(
        "CREATE TABLE {} (ID VARCHAR(255) NOT NULL, AUTHOR VARCHAR(255) NOT NULL, FILENAME "
        "VARCHAR(255) NOT NULL, CHANGE_INDEX INTEGER NOT NULL, DEFINITION {} NOT NULL)",
        table_reference(table), large_text_type());
}

} // namespace strata
