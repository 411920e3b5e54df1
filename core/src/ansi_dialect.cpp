// SPDX-License-Identifier: Apache-2.0
// The ANSI base dialect: standard SQL for every change type that has one, Liquibase's
// history tables and the DATABASECHANGELOGLOCK protocol. Dialects override what differs.
#include "strata/core/csv.hpp"
#include "strata/dialect.hpp"
#include "strata/text.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <fmt/format.h>
#include <fstream>
#include <functional>
#include <sstream>
#include <thread>

namespace strata {
namespace {

std::vector<std::string> split_list(std::string_view list) {
    std::vector<std::string> items;
    std::size_t start = 0;
    while (true) {
        std::size_t comma = list.find(',', start);
        std::string item = trim(list.substr(start, comma - start));
        if (!item.empty())
            items.push_back(item);
        if (comma == std::string_view::npos)
            return items;
        start = comma + 1;
    }
}

bool ansi_reserved_word(std::string_view name) {
    static constexpr std::array<std::string_view, 40> kReserved = {
        "ALL",    "ALTER", "AND",     "AS",     "BY",       "CHECK",  "COLUMN",  "CONSTRAINT",
        "CREATE", "CROSS", "DEFAULT", "DELETE", "DISTINCT", "DROP",   "FROM",    "GROUP",
        "HAVING", "IN",    "INDEX",   "INSERT", "INTO",     "IS",     "JOIN",    "KEY",
        "LIKE",   "NOT",   "NULL",    "ON",     "OR",       "ORDER",  "PRIMARY", "REFERENCES",
        "SELECT", "SET",   "TABLE",   "TO",     "UNION",    "UNIQUE", "UPDATE",  "WHERE"};
    std::string word = to_upper(name);
    return std::find(kReserved.begin(), kReserved.end(), word) != kReserved.end();
}

[[noreturn]] void missing(const Change& change, std::string_view attribute) {
    throw Error(ErrorKind::Validation,
                fmt::format("{} needs the attribute '{}'", change.type_name(), attribute),
                change.where);
}

std::string required(const Change& change, std::string_view attribute) {
    const std::string* value = change.get(attribute);
    if (value == nullptr || value->empty())
        missing(change, attribute);
    return *value;
}

bool holds_truth(const std::optional<std::string>& value) {
    if (!value)
        return false;
    std::string v = to_upper(*value);
    return v == "1" || v == "TRUE" || v == "T" || v == "Y";
}

} // namespace

namespace {

// Words separated by single spaces.
std::string collapse(std::string_view text) {
    std::string out;
    bool space = false;
    for (char c : trim(text)) {
        if (std::isspace(static_cast<unsigned char>(c))) {
            space = true;
            continue;
        }
        if (space && !out.empty())
            out += ' ';
        space = false;
        out += c;
    }
    return out;
}

} // namespace

LiquibaseType parse_liquibase_type(std::string_view written) {
    LiquibaseType type;
    type.raw = trim(written);
    std::size_t paren = type.raw.find('(');
    std::size_t close = paren == std::string::npos ? std::string::npos : type.raw.find(')', paren);
    std::string head = collapse(type.raw.substr(0, paren));
    std::string tail =
        close == std::string::npos ? std::string() : collapse(type.raw.substr(close + 1));
    if (paren != std::string::npos) {
        std::string_view inside(type.raw);
        inside = inside.substr(paren,
                               (close == std::string::npos ? type.raw.size() : close + 1) - paren);
        for (char c : inside) {
            if (c == ' ')
                continue;
            type.parameters += c;
            if (c == ',')
                type.parameters += ' ';
        }
    }
    std::size_t space = head.find(' ');
    type.name = to_upper(head.substr(0, space));
    std::string extra = space == std::string::npos ? std::string() : head.substr(space + 1);
    if (!tail.empty())
        extra += extra.empty() ? tail : " " + tail;
    type.extra = extra;
    return type;
}

std::string LiquibaseType::with_extra(std::string type) const {
    return extra.empty() ? type : type + " " + extra;
}

bool AnsiDialect::plain_identifier(std::string_view name) {
    if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0])))
        return false;
    return std::all_of(name.begin(), name.end(),
                       [](unsigned char c) { return std::isalnum(c) || c == '_' || c == '$'; });
}

bool AnsiDialect::reserved_word(std::string_view name) const {
    return ansi_reserved_word(name);
}

bool AnsiDialect::needs_quotes(std::string_view name) const {
    return !plain_identifier(name);
}

std::string AnsiDialect::quoted(std::string_view name) const {
    std::string text = "\"";
    for (char c : name)
        text += c == '"' ? std::string("\"\"") : std::string(1, c);
    return text + "\"";
}

void AnsiDialect::set_object_quoting(ObjectQuoting quoting) {
    quoting_ = quoting;
}

std::string AnsiDialect::quote_identifier(std::string_view name) const {
    bool quote = false;
    switch (quoting_) {
    case ObjectQuoting::QuoteAllObjects:
        quote = true;
        break;
    case ObjectQuoting::QuoteOnlyReservedWords:
        quote = !plain_identifier(name) || reserved_word(name);
        break;
    case ObjectQuoting::Legacy:
        quote = needs_quotes(name) || reserved_word(name);
        break;
    }
    return quote ? quoted(name) : std::string(name);
}

std::string AnsiDialect::quote_literal(std::string_view value) const {
    std::string quoted = "'";
    for (char c : value)
        quoted += c == '\'' ? std::string("''") : std::string(1, c);
    return quoted + "'";
}

void AnsiDialect::prepare_session(Connection&) const {}

std::string AnsiDialect::current_timestamp() const {
    return "CURRENT_TIMESTAMP";
}
std::string AnsiDialect::datetime_type() const {
    return "TIMESTAMP";
}
std::string AnsiDialect::boolean_literal(bool value) const {
    return value ? "TRUE" : "FALSE";
}

std::string AnsiDialect::column_type(std::string_view liquibase_type) const {
    std::string type = trim(liquibase_type);
    std::string base = to_upper(type.substr(0, type.find('(')));
    std::string rest = type.find('(') == std::string::npos ? "" : type.substr(type.find('('));
    if (base == "INT" || base == "INTEGER" || base == "INT4")
        return "INT";
    if (base == "DATETIME")
        return "TIMESTAMP";
    if (base == "CLOB")
        return "CLOB";
    if (base == "NUMBER")
        return "NUMERIC" + rest;
    return base + rest;
}

std::string AnsiDialect::required_attribute(const Change& change, std::string_view key) {
    return required(change, key);
}

std::string AnsiDialect::scoped(const Change& change, std::string_view key) const {
    const std::string* schema = change.get("schemaName");
    std::string name = quote_identifier(required(change, key));
    return schema && !schema->empty() ? quote_identifier(*schema) + "." + name : name;
}

std::string AnsiDialect::loose_literal(const std::string& value) const {
    bool number = !value.empty() &&
                  value.find_first_not_of("+-.0123456789eE") == std::string::npos &&
                  std::isdigit(static_cast<unsigned char>(value.back()));
    if (number)
        return value;
    if (to_lower(value) == "true" || to_lower(value) == "false")
        return boolean_literal(to_lower(value) == "true");
    return quote_literal(value);
}

std::string AnsiDialect::qualified(const Change& change, std::string_view name_key) const {
    std::string name = required(change, name_key);
    const std::string* schema = change.get("schemaName");
    if (schema != nullptr && !schema->empty())
        return quote_identifier(*schema) + "." + quote_identifier(name);
    return quote_identifier(name);
}

std::string AnsiDialect::default_clause(const Column& column) const {
    if (const std::string* v = column.get("defaultValueComputed"))
        return *v;
    if (const std::string* v = column.get("defaultValueNumeric"))
        return *v;
    if (const std::string* v = column.get("defaultValueBoolean"))
        return boolean_literal(*v == "true");
    if (const std::string* v = column.get("defaultValueDate"))
        return quote_literal(*v);
    if (const std::string* v = column.get("defaultValue"))
        return quote_literal(*v);
    return {};
}

std::string AnsiDialect::value_literal(const Column& column) const {
    if (const std::string* v = column.get("valueComputed"))
        return *v;
    if (const std::string* v = column.get("valueNumeric"))
        return *v;
    if (const std::string* v = column.get("valueBoolean"))
        return boolean_literal(*v == "true");
    if (const std::string* v = column.get("valueDate"))
        return quote_literal(*v);
    if (const std::string* v = column.get("value"))
        return quote_literal(*v);
    return "NULL";
}

std::string AnsiDialect::column_definition(const Column& column, bool inline_primary_key) const {
    const std::string* type = column.get("type");
    if (type == nullptr || type->empty())
        throw Error(ErrorKind::Validation, fmt::format("column '{}' needs a type", column.name()),
                    column.where);
    std::string sql = quote_identifier(column.name()) + " " + column_type(*type);
    std::string default_value = default_clause(column);
    if (!default_value.empty())
        sql += " DEFAULT " + default_value;
    bool primary_key = column.constraint_flag("primaryKey");
    const std::string* nullable = column.constraint("nullable");
    if (primary_key || (nullable != nullptr && *nullable == "false"))
        sql += " NOT NULL";
    if (primary_key && inline_primary_key)
        sql += " PRIMARY KEY";
    if (column.constraint_flag("unique") && !primary_key) {
        const std::string* name = column.constraint("uniqueConstraintName");
        sql += name ? " CONSTRAINT " + quote_identifier(*name) + " UNIQUE" : " UNIQUE";
    }
    if (const std::string* check = column.constraint("checkConstraint"))
        sql += " CHECK (" + *check + ")";
    return sql;
}

// Column-level foreign keys: references="t(c)" or referencedTableName + referencedColumnNames.
std::vector<std::string> AnsiDialect::column_foreign_keys(const Change& change) const {
    std::vector<std::string> keys;
    for (const Column& column : change.columns) {
        std::string target;
        if (const std::string* references = column.constraint("references")) {
            target = *references;
        } else if (const std::string* table = column.constraint("referencedTableName")) {
            const std::string* columns = column.constraint("referencedColumnNames");
            target = quote_identifier(*table) + "(" + (columns ? *columns : column.name()) + ")";
        } else {
            continue;
        }
        std::string sql;
        if (const std::string* name = column.constraint("foreignKeyName"))
            sql += "CONSTRAINT " + quote_identifier(*name) + " ";
        sql += "FOREIGN KEY (" + quote_identifier(column.name()) + ") REFERENCES " + target;
        if (column.constraint_flag("deleteCascade"))
            sql += " ON DELETE CASCADE";
        keys.push_back(std::move(sql));
    }
    return keys;
}

std::vector<std::string> AnsiDialect::render_create_table(const Change& change) const {
    std::string table = required(change, "tableName");
    std::vector<std::string> parts;
    std::vector<std::string> primary_key;
    std::string primary_key_name;
    for (const Column& column : change.columns) {
        if (column.constraint_flag("primaryKey")) {
            primary_key.push_back(quote_identifier(column.name()));
            if (const std::string* name = column.constraint("primaryKeyName"))
                primary_key_name = *name;
        }
    }
    for (const Column& column : change.columns)
        parts.push_back(column_definition(column, false));
    if (!primary_key.empty()) {
        if (primary_key_name.empty())
            primary_key_name = "PK_" + to_upper(table);
        parts.push_back(fmt::format("CONSTRAINT {} PRIMARY KEY ({})",
                                    quote_identifier(primary_key_name),
                                    fmt::join(primary_key, ", ")));
    }
    for (std::string& key : column_foreign_keys(change))
        parts.push_back(std::move(key));
    return {fmt::format("CREATE TABLE {} ({})", qualified(change, "tableName"),
                        fmt::join(parts, ", "))};
}

std::vector<std::string> AnsiDialect::render_add_column(const Change& change) const {
    std::vector<std::string> statements;
    for (const Column& column : change.columns) {
        statements.push_back(fmt::format("ALTER TABLE {} ADD {}", qualified(change, "tableName"),
                                         column_definition(column, true)));
    }
    return statements;
}

namespace {

bool is_identifier_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$' ||
           static_cast<unsigned char>(c) >= 0x80;
}

// Length of a PostgreSQL dollar-quote tag ($$ or $name$) starting at `i`, or 0: `$1`
// parameters and `a$b` identifiers are not tags.
std::size_t dollar_tag_length(std::string_view sql, std::size_t i) {
    if (i > 0 && is_identifier_char(sql[i - 1]))
        return 0;
    std::size_t end = i + 1;
    if (end < sql.size() && std::isdigit(static_cast<unsigned char>(sql[end])))
        return 0;
    while (end < sql.size() && sql[end] != '$' && is_identifier_char(sql[end]))
        ++end;
    return end < sql.size() && sql[end] == '$' ? end + 1 - i : 0;
}

// End of the quoted text opened at `open` (past its closing quote). A doubled quote stands
// for itself; in PostgreSQL's E'...' strings a backslash escapes the next character.
std::size_t quoted_end(std::string_view sql, std::size_t open) {
    char quote = sql[open];
    bool backslash_escapes = quote == '\'' && open > 0 &&
                             (sql[open - 1] == 'E' || sql[open - 1] == 'e') &&
                             (open == 1 || !is_identifier_char(sql[open - 2]));
    for (std::size_t i = open + 1; i < sql.size(); ++i) {
        if (backslash_escapes && sql[i] == '\\')
            ++i;
        else if (sql[i] == quote && i + 1 < sql.size() && sql[i + 1] == quote)
            ++i;
        else if (sql[i] == quote)
            return i + 1;
    }
    return sql.size();
}

// End of the block comment opened at `open`; comments nest, as in standard SQL and PostgreSQL.
std::size_t block_comment_end(std::string_view sql, std::size_t open) {
    int depth = 0;
    for (std::size_t i = open; i + 1 < sql.size(); ++i) {
        if (sql[i] == '/' && sql[i + 1] == '*') {
            ++depth;
            ++i;
        } else if (sql[i] == '*' && sql[i + 1] == '/') {
            ++i;
            if (--depth == 0)
                return i + 1;
        }
    }
    return sql.size();
}

} // namespace

std::vector<std::string> AnsiDialect::split_statements(std::string_view script,
                                                       std::string_view delimiter) const {
    std::vector<std::string> statements;
    std::string current;
    auto flush = [&] {
        std::string statement = trim(current);
        if (!statement.empty())
            statements.push_back(statement);
        current.clear();
    };
    // A delimiter alone on its line (e.g. GO) or a ';' at any point ends a statement.
    bool line_delimiter = !delimiter.empty() && delimiter != ";";
    // A `$$` delimiter (MySQL scripts) is not the start of a dollar-quoted string.
    bool dollar_quotes = delimiter.find('$') == std::string_view::npos;
    std::size_t i = 0;
    while (i < script.size()) {
        char c = script[i];
        std::size_t end = i;
        if (c == '\'' || c == '"' || c == '`') {
            end = quoted_end(script, i);
        } else if (c == '$' && dollar_quotes) {
            if (std::size_t length = dollar_tag_length(script, i); length > 0) {
                std::size_t close = script.find(script.substr(i, length), i + length);
                end = close == std::string_view::npos ? script.size() : close + length;
            }
        } else if (script.compare(i, 2, "--") == 0) {
            end = std::min(script.find('\n', i), script.size());
        } else if (script.compare(i, 2, "/*") == 0) {
            end = block_comment_end(script, i);
        } else if (!line_delimiter && c == ';') {
            flush();
            ++i;
            continue;
        } else if (line_delimiter && script.compare(i, delimiter.size(), delimiter) == 0 &&
                   (i == 0 || script[i - 1] == '\n') &&
                   (i + delimiter.size() == script.size() || script[i + delimiter.size()] == '\n' ||
                    script[i + delimiter.size()] == '\r')) {
            flush();
            i += delimiter.size();
            continue;
        }
        end = std::max(end, i + 1);
        current.append(script.substr(i, end - i));
        i = end;
    }
    flush();
    return statements;
}

namespace {

std::string strip_comments(std::string_view sql) {
    std::string out;
    std::size_t i = 0;
    while (i < sql.size()) {
        char c = sql[i];
        if (c == '\'' || c == '"') {
            std::size_t end = sql.find(c, i + 1);
            end = end == std::string_view::npos ? sql.size() : end + 1;
            out.append(sql.substr(i, end - i));
            i = end;
        } else if (sql.compare(i, 2, "--") == 0) {
            i = std::min(sql.find('\n', i), sql.size());
        } else if (sql.compare(i, 2, "/*") == 0) {
            std::size_t end = sql.find("*/", i + 2);
            i = end == std::string_view::npos ? sql.size() : end + 2;
        } else {
            out += c;
            ++i;
        }
    }
    return out;
}

} // namespace

std::vector<std::string> AnsiDialect::render_sql(const Change& change) const {
    std::string sql = change.value("sql");
    if (change.flag("stripComments"))
        sql = strip_comments(sql);
    if (!change.flag("splitStatements", true)) {
        std::string statement = trim(sql);
        return statement.empty() ? std::vector<std::string>{} : std::vector<std::string>{statement};
    }
    std::string delimiter = change.value("endDelimiter");
    return split_statements(sql, delimiter.empty() ? ";" : delimiter);
}

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

// Through information_schema, which PostgreSQL and MySQL share; the schema defaults to the
// connection's current one. Dialects override what information_schema does not cover.
bool AnsiDialect::object_exists(Connection& connection, const Precondition& check) const {
    auto filter = [&](const char* column, const std::string& value) {
        return value.empty()
                   ? std::string()
                   : fmt::format(" AND lower({}) = lower({})", column, quote_literal(value));
    };
    std::string schema = check.value("schemaName").empty()
                             ? fmt::format(" AND table_schema = {}", current_schema_expression())
                             : filter("table_schema", check.value("schemaName"));
    std::string sql;
    const std::string& type = check.type;
    if (type == "tableExists") {
        sql = "SELECT COUNT(*) FROM information_schema.tables WHERE table_type LIKE '%TABLE'" +
              filter("table_name", check.value("tableName")) + schema;
    } else if (type == "viewExists") {
        sql = "SELECT COUNT(*) FROM information_schema.views WHERE 1 = 1" +
              filter("table_name", check.value("viewName")) + schema;
    } else if (type == "columnExists") {
        sql = "SELECT COUNT(*) FROM information_schema.columns WHERE 1 = 1" +
              filter("table_name", check.value("tableName")) +
              filter("column_name", check.value("columnName")) + schema;
    } else if (type == "foreignKeyConstraintExists" || type == "primaryKeyExists" ||
               type == "uniqueConstraintExists") {
        bool foreign = type == "foreignKeyConstraintExists";
        bool primary = type == "primaryKeyExists";
        const char* kind = foreign ? "FOREIGN KEY" : primary ? "PRIMARY KEY" : "UNIQUE";
        std::string name = check.value(foreign   ? "foreignKeyName"
                                       : primary ? "primaryKeyName"
                                                 : "constraintName");
        std::string table = check.value(foreign ? "foreignKeyTableName" : "tableName");
        sql = fmt::format("SELECT COUNT(*) FROM information_schema.table_constraints WHERE "
                          "constraint_type = '{}'",
                          kind) +
              filter("constraint_name", name) + filter("table_name", table) + schema;
    } else if (type == "sequenceExists") {
        sql = "SELECT COUNT(*) FROM information_schema.sequences WHERE 1 = 1" +
              filter("sequence_name", check.value("sequenceName")) +
              (check.value("schemaName").empty()
                   ? fmt::format(" AND sequence_schema = {}", current_schema_expression())
                   : filter("sequence_schema", check.value("schemaName")));
    } else {
        throw Error(ErrorKind::Validation,
                    fmt::format("the {} precondition is not supported on {}", type, name()),
                    check.where);
    }
    ResultSet result = connection.query(sql);
    return !result.rows.empty() && result.rows[0][0].value_or("0") != "0";
}

std::string AnsiDialect::current_schema_expression() const {
    return "CURRENT_SCHEMA";
}

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

std::vector<std::string> AnsiDialect::primary_key_columns(Connection& connection,
                                                          const std::string& table) const {
    ResultSet result = connection.query(fmt::format(
        "SELECT kcu.column_name FROM information_schema.table_constraints tc JOIN "
        "information_schema.key_column_usage kcu ON tc.constraint_name = kcu.constraint_name AND "
        "tc.table_schema = kcu.table_schema AND tc.table_name = kcu.table_name WHERE "
        "tc.constraint_type = 'PRIMARY KEY' AND lower(tc.table_name) = lower({}) AND "
        "tc.table_schema = {} ORDER BY kcu.ordinal_position",
        quote_literal(table), current_schema_expression()));
    std::vector<std::string> keys;
    for (const Row& row : result.rows)
        keys.push_back(row[0].value_or(""));
    return keys;
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

// Two kinds of captures: the primary key of an insert's table (the rollback deletes exactly
// the rows inserted), or the statements that recreate what a drop destroys.
std::optional<std::string> AnsiDialect::capture(Connection& connection,
                                                const Change& change) const {
    switch (change.kind) {
    case ChangeKind::Insert:
    case ChangeKind::LoadData:
    case ChangeKind::LoadUpdateData: {
        std::vector<std::string> record{"keys", change.value("tableName")};
        try {
            for (std::string& key : primary_key_columns(connection, change.value("tableName")))
                record.push_back(std::move(key));
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

std::string AnsiDialect::capture_table_ddl(std::string_view table) const {
    return fmt::format(
        "CREATE TABLE {} (ID VARCHAR(255) NOT NULL, AUTHOR VARCHAR(255) NOT NULL, FILENAME "
        "VARCHAR(255) NOT NULL, CHANGE_INDEX INTEGER NOT NULL, DEFINITION {} NOT NULL)",
        quote_identifier(table), large_text_type());
}

std::optional<std::string> AnsiDialect::unsupported(const Change& change) const {
    switch (change.kind) {
    case ChangeKind::AddColumn:
    case ChangeKind::AddForeignKeyConstraint:
    case ChangeKind::AddPrimaryKey:
    case ChangeKind::AddUniqueConstraint:
    case ChangeKind::AddCheckConstraint:
    case ChangeKind::CreateIndex:
    case ChangeKind::CreateTable:
    case ChangeKind::CreateView:
    case ChangeKind::Delete:
    case ChangeKind::DropCheckConstraint:
    case ChangeKind::DropColumn:
    case ChangeKind::DropForeignKeyConstraint:
    case ChangeKind::DropIndex:
    case ChangeKind::DropPrimaryKey:
    case ChangeKind::DropTable:
    case ChangeKind::DropUniqueConstraint:
    case ChangeKind::DropView:
    case ChangeKind::Empty:
    case ChangeKind::ExecuteCommand:
    case ChangeKind::Insert:
    case ChangeKind::Output:
    case ChangeKind::RenameColumn:
    case ChangeKind::RenameTable:
    case ChangeKind::Sql:
    case ChangeKind::SqlFile:
    case ChangeKind::LoadData:
    case ChangeKind::LoadUpdateData:
    case ChangeKind::TagDatabase:
    case ChangeKind::Update:
        return std::nullopt;
    case ChangeKind::AddAutoIncrement:
    case ChangeKind::AddDefaultValue:
    case ChangeKind::AddLookupTable:
    case ChangeKind::AddNotNullConstraint:
    case ChangeKind::AlterSequence:
    case ChangeKind::CreateProcedure:
    case ChangeKind::CreateSequence:
    case ChangeKind::DropAllForeignKeyConstraints:
    case ChangeKind::DropDefaultValue:
    case ChangeKind::DropNotNullConstraint:
    case ChangeKind::DropProcedure:
    case ChangeKind::DropSequence:
    case ChangeKind::MergeColumns:
    case ChangeKind::ModifyDataType:
    case ChangeKind::RenameSequence:
    case ChangeKind::RenameView:
    case ChangeKind::SetColumnRemarks:
    case ChangeKind::SetTableRemarks:
    case ChangeKind::Stop:
        break;
    }
    return fmt::format("{} is not supported on {} yet", change.type_name(), name());
}

std::vector<std::string> AnsiDialect::render(const Change& change, const RenderContext&) const {
    if (auto why = unsupported(change))
        throw Error(ErrorKind::Validation, *why, change.where);
    std::string table = change.get("tableName") ? qualified(change, "tableName") : std::string();
    auto columns_of = [this](std::string_view list) {
        std::vector<std::string> quoted;
        for (const std::string& column : split_list(list))
            quoted.push_back(quote_identifier(column));
        return fmt::format("{}", fmt::join(quoted, ", "));
    };
    auto where_clause = [&] {
        const std::string* where = change.get("where");
        if (!where || trim(*where).empty())
            return std::string();
        // whereParams, as Liquibase substitutes them: each `:name` takes the next param's
        // name (quoted), each `:value` or `?` the next param's value.
        std::string condition = trim(*where);
        if (!change.where_params.empty()) {
            std::string substituted;
            std::size_t next_name = 0, next_value = 0;
            for (std::size_t i = 0; i < condition.size();) {
                bool name = condition.compare(i, 5, ":name") == 0;
                bool value = condition.compare(i, 6, ":value") == 0 || condition[i] == '?';
                while (name && next_name < change.where_params.size() &&
                       change.where_params[next_name].name().empty())
                    ++next_name;
                if (name && next_name < change.where_params.size()) {
                    substituted += quote_identifier(change.where_params[next_name++].name());
                    i += 5;
                } else if (value && !name && next_value < change.where_params.size()) {
                    substituted += value_literal(change.where_params[next_value++]);
                    i += condition[i] == '?' ? 1 : 6;
                } else {
                    substituted += condition[i++];
                }
            }
            condition = std::move(substituted);
        }
        return " WHERE " + condition;
    };
    switch (change.kind) {
    case ChangeKind::CreateTable:
        return render_create_table(change);
    case ChangeKind::AddColumn:
        return render_add_column(change);
    case ChangeKind::Sql:
        return render_sql(change);
    case ChangeKind::SqlFile: {
        Change sql = change;
        sql.kind = ChangeKind::Sql;
        sql.attributes.insert_or_assign("sql", read_referenced_file(change, "path"));
        return render_sql(sql);
    }
    case ChangeKind::LoadData:
    case ChangeKind::LoadUpdateData: {
        std::vector<std::vector<Column>> rows;
        load_data_rows(change, rows);
        std::vector<std::string> keys;
        if (change.kind == ChangeKind::LoadUpdateData) {
            for (const std::string& key : split_list(required(change, "primaryKey")))
                keys.push_back(quote_identifier(key));
        }
        std::vector<std::string> statements;
        for (const std::vector<Column>& row : rows) {
            std::vector<std::string> names, values;
            for (const Column& column : row) {
                names.push_back(quote_identifier(column.name()));
                values.push_back(value_literal(column));
            }
            statements.push_back(keys.empty()
                                     ? fmt::format("INSERT INTO {} ({}) VALUES ({})", table,
                                                   fmt::join(names, ", "), fmt::join(values, ", "))
                                     : upsert(table, names, values, keys));
        }
        return statements;
    }
    case ChangeKind::CreateIndex: {
        std::vector<std::string> columns;
        for (const Column& column : change.columns)
            columns.push_back(
                quote_identifier(column.name()) +
                (column.get("descending") && *column.get("descending") == "true" ? " DESC" : ""));
        return {fmt::format("CREATE {}INDEX {} ON {} ({})", change.flag("unique") ? "UNIQUE " : "",
                            quote_identifier(required(change, "indexName")), table,
                            fmt::join(columns, ", "))};
    }
    case ChangeKind::DropIndex:
        return {fmt::format("DROP INDEX {}", quote_identifier(required(change, "indexName")))};
    case ChangeKind::DropTable:
        return {fmt::format("DROP TABLE {}{}", table,
                            change.flag("cascadeConstraints") ? " CASCADE" : "")};
    case ChangeKind::DropColumn: {
        std::vector<std::string> statements;
        if (const std::string* column = change.get("columnName"))
            statements.push_back(
                fmt::format("ALTER TABLE {} DROP COLUMN {}", table, quote_identifier(*column)));
        for (const Column& column : change.columns)
            statements.push_back(fmt::format("ALTER TABLE {} DROP COLUMN {}", table,
                                             quote_identifier(column.name())));
        return statements;
    }
    case ChangeKind::Insert: {
        std::vector<std::string> names, values;
        for (const Column& column : change.columns) {
            names.push_back(quote_identifier(column.name()));
            values.push_back(value_literal(column));
        }
        return {fmt::format("INSERT INTO {} ({}) VALUES ({})", table, fmt::join(names, ", "),
                            fmt::join(values, ", "))};
    }
    case ChangeKind::Update: {
        std::vector<std::string> sets;
        for (const Column& column : change.columns)
            sets.push_back(quote_identifier(column.name()) + " = " + value_literal(column));
        return {fmt::format("UPDATE {} SET {}{}", table, fmt::join(sets, ", "), where_clause())};
    }
    case ChangeKind::Delete:
        return {fmt::format("DELETE FROM {}{}", table, where_clause())};
    case ChangeKind::RenameTable:
        return {fmt::format("ALTER TABLE {} RENAME TO {}", qualified(change, "oldTableName"),
                            quote_identifier(required(change, "newTableName")))};
    case ChangeKind::RenameColumn:
        return {fmt::format("ALTER TABLE {} RENAME COLUMN {} TO {}", table,
                            quote_identifier(required(change, "oldColumnName")),
                            quote_identifier(required(change, "newColumnName")))};
    case ChangeKind::CreateView:
        return {fmt::format("CREATE {}VIEW {} AS {}",
                            change.flag("replaceIfExists") ? "OR REPLACE " : "",
                            qualified(change, "viewName"), trim(required(change, "selectQuery")))};
    case ChangeKind::DropView:
        return {fmt::format("DROP VIEW {}{}", change.flag("ifExists") ? "IF EXISTS " : "",
                            qualified(change, "viewName"))};
    case ChangeKind::AddForeignKeyConstraint: {
        std::string sql =
            fmt::format("ALTER TABLE {} ADD CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {} ({})",
                        quote_identifier(required(change, "baseTableName")),
                        quote_identifier(required(change, "constraintName")),
                        columns_of(required(change, "baseColumnNames")),
                        quote_identifier(required(change, "referencedTableName")),
                        columns_of(required(change, "referencedColumnNames")));
        if (const std::string* action = change.get("onDelete"))
            sql += " ON DELETE " + *action;
        else if (change.flag("deleteCascade"))
            sql += " ON DELETE CASCADE";
        if (const std::string* action = change.get("onUpdate"))
            sql += " ON UPDATE " + *action;
        return {sql};
    }
    case ChangeKind::DropForeignKeyConstraint:
        return {fmt::format("ALTER TABLE {} DROP CONSTRAINT {}",
                            quote_identifier(required(change, "baseTableName")),
                            quote_identifier(required(change, "constraintName")))};
    case ChangeKind::AddPrimaryKey: {
        std::string name = change.value("constraintName");
        if (name.empty())
            name = "PK_" + to_upper(required(change, "tableName"));
        return {fmt::format("ALTER TABLE {} ADD CONSTRAINT {} PRIMARY KEY ({})", table,
                            quote_identifier(name), columns_of(required(change, "columnNames")))};
    }
    case ChangeKind::DropPrimaryKey: {
        std::string name = change.value("constraintName");
        if (name.empty())
            name = "PK_" + to_upper(required(change, "tableName"));
        return {fmt::format("ALTER TABLE {} DROP CONSTRAINT {}", table, quote_identifier(name))};
    }
    case ChangeKind::AddUniqueConstraint: {
        const std::string* name = change.get("constraintName");
        return {fmt::format("ALTER TABLE {} ADD {}UNIQUE ({})", table,
                            name ? "CONSTRAINT " + quote_identifier(*name) + " " : "",
                            columns_of(required(change, "columnNames")))};
    }
    case ChangeKind::DropUniqueConstraint:
    case ChangeKind::DropCheckConstraint:
        return {fmt::format("ALTER TABLE {} DROP CONSTRAINT {}", table,
                            quote_identifier(required(change, "constraintName")))};
    case ChangeKind::AddCheckConstraint:
        return {fmt::format("ALTER TABLE {} ADD CONSTRAINT {} CHECK ({})", table,
                            quote_identifier(required(change, "constraintName")),
                            required(change, "constraintBody"))};
    case ChangeKind::TagDatabase:
    case ChangeKind::Empty:
    case ChangeKind::Output:
    case ChangeKind::ExecuteCommand:
        // No SQL: the tag lives in the history row; core prints output and runs commands.
        return {};
    default:
        break;
    }
    throw Error(ErrorKind::Internal,
                fmt::format("internal error: no ANSI rendering for {}", change.type_name()));
}

std::string AnsiDialect::history_table_ddl(std::string_view table) const {
    return fmt::format(
        "CREATE TABLE {} (ID VARCHAR(255) NOT NULL, AUTHOR VARCHAR(255) NOT NULL, FILENAME "
        "VARCHAR(255) NOT NULL, DATEEXECUTED {} NOT NULL, ORDEREXECUTED INTEGER NOT NULL, "
        "EXECTYPE VARCHAR(10) NOT NULL, MD5SUM VARCHAR(35), DESCRIPTION VARCHAR(255), COMMENTS "
        "VARCHAR(255), TAG VARCHAR(255), LIQUIBASE VARCHAR(20), CONTEXTS VARCHAR(255), LABELS "
        "VARCHAR(255), DEPLOYMENT_ID VARCHAR(10))",
        quote_identifier(table), datetime_type());
}

std::string AnsiDialect::lock_table_ddl(std::string_view table) const {
    return fmt::format("CREATE TABLE {} (ID INTEGER NOT NULL, LOCKED BOOLEAN NOT NULL, LOCKGRANTED "
                       "{}, LOCKEDBY VARCHAR(255), CONSTRAINT PK_{} PRIMARY KEY (ID))",
                       quote_identifier(table), datetime_type(), to_upper(table));
}

void AnsiDialect::acquire_run_lock(Connection& connection, const RunLockRequest& request) {
    acquire_lock_row(connection, request, false);
}

void AnsiDialect::acquire_lock_row(Connection& connection, const RunLockRequest& request,
                                   bool take_over_stale) {
    std::string table = quote_identifier(request.lock_table);
    if (!table_exists(connection, request.lock_table))
        connection.execute(lock_table_ddl(request.lock_table));
    ResultSet initialised =
        connection.query(fmt::format("SELECT COUNT(*) FROM {} WHERE ID = 1", table));
    if (initialised.rows.empty() || initialised.rows[0][0].value_or("0") == "0")
        connection.execute(fmt::format("INSERT INTO {} (ID, LOCKED) VALUES (1, {})", table,
                                       boolean_literal(false)));

    auto deadline = std::chrono::steady_clock::now() + request.wait;
    while (true) {
        ResultSet state = connection.query(
            fmt::format("SELECT LOCKED, LOCKEDBY, LOCKGRANTED FROM {} WHERE ID = 1", table));
        const Row& row = state.rows.at(0);
        std::string holder = row[1].value_or("");
        bool stale = take_over_stale && holder.find("(strata pid ") != std::string::npos;
        std::string claim = fmt::format(
            "UPDATE {} SET LOCKED = {}, LOCKEDBY = {}, LOCKGRANTED = {} WHERE ID = 1", table,
            boolean_literal(true), quote_literal(request.holder), current_timestamp());
        if (!holds_truth(row[0])) {
            if (connection.execute(claim + " AND LOCKED = " + boolean_literal(false)) == 1)
                return;
        } else if (stale) {
            if (connection.execute(claim + " AND LOCKEDBY = " + quote_literal(holder)) == 1)
                return;
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            throw Error(
                ErrorKind::Lock,
                fmt::format(
                    "could not acquire the change log lock: currently locked by {} since {}",
                    holder.empty() ? "an unknown holder" : holder, row[2].value_or("?")),
                {},
                "wait for the other run to finish; if no run is active, `strata release-locks` "
                "frees it");
        }
        std::this_thread::sleep_for(request.poll);
    }
}

void AnsiDialect::release_run_lock(Connection& connection, const RunLockRequest& request) noexcept {
    try {
        // Only our own lock: never clear another holder's (Liquibase 4.28's bug, LIQUIBASE.md
        // §4.2).
        connection.execute(fmt::format("UPDATE {} SET LOCKED = {}, LOCKEDBY = NULL, LOCKGRANTED = "
                                       "NULL WHERE ID = 1 AND LOCKEDBY = {}",
                                       quote_identifier(request.lock_table), boolean_literal(false),
                                       quote_literal(request.holder)));
    } catch (...) {
        // Releasing is best effort: the native lock dies with the process anyway.
    }
}

// ---------------------------------------------------------------- server URLs

namespace {

int hex_digit(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

// Percent-decoding; a '%' not followed by two hex digits stays as written.
std::string percent_decode(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size()) {
            int high = hex_digit(text[i + 1]);
            int low = hex_digit(text[i + 2]);
            if (high >= 0 && low >= 0) {
                out += static_cast<char>(high * 16 + low);
                i += 2;
                continue;
            }
        }
        out += text[i];
    }
    return out;
}

// Parameters whose values are secrets (JDBC drivers know several spellings).
bool secret_parameter(std::string_view name) {
    std::string key = to_lower(name);
    return key == "password" || key == "pass" || key == "pwd" || key == "sslpassword" ||
           key == "keystorepassword" || key == "truststorepassword";
}

} // namespace

const std::string* ServerUrl::parameter(std::string_view name) const {
    const std::string* found = nullptr;
    for (const auto& [key, value] : parameters) {
        if (to_lower(key) == to_lower(name))
            found = &value;
    }
    return found;
}

ServerUrl parse_server_url(std::string_view url) {
    ServerUrl parsed;
    // Byte ranges of secrets in `url`, masked in `display`.
    std::vector<std::pair<std::size_t, std::size_t>> secrets;
    auto masked = [&] {
        std::string text;
        std::size_t copied = 0;
        for (const auto& [first, last] : secrets) {
            text.append(url.substr(copied, first - copied));
            text += "*****";
            copied = last;
        }
        return text.append(url.substr(copied));
    };
    // Failures are found only after the user part was read, so masked() hides the password.
    auto fail = [&](std::string_view why) -> Error {
        return Error(ErrorKind::Usage, fmt::format("the URL '{}' {}", masked(), why), {},
                     "write scheme://user:password@host:port/database?name=value, e.g. "
                     "postgresql://app@127.0.0.1:5432/appdb");
    };

    std::size_t at = 0;
    if (to_lower(url.substr(0, 5)) == "jdbc:") {
        parsed.jdbc = true;
        at = 5;
    }
    std::size_t colon = url.find(':', at);
    if (colon == std::string_view::npos || colon == at) // not echoed: it might be anything
        throw Error(ErrorKind::Usage, "the URL has no scheme", {},
                    "write scheme://user:password@host:port/database, e.g. "
                    "postgresql://app@127.0.0.1/appdb");
    parsed.scheme = to_lower(url.substr(at, colon - at));
    at = colon + 1;

    // The query starts at the first '?' after the user part (a password may hold '?' only
    // percent-encoded, so the first '?' is the query's).
    std::size_t query = url.find('?', at);
    std::size_t end = query == std::string_view::npos ? url.size() : query;

    if (url.compare(at, 2, "//") == 0) {
        at += 2;
        std::size_t user_end = url.substr(0, end).rfind('@');
        if (user_end != std::string_view::npos && user_end >= at) {
            std::string_view userinfo = url.substr(at, user_end - at);
            std::size_t split = userinfo.find(':');
            parsed.user = percent_decode(userinfo.substr(0, split));
            if (split != std::string_view::npos) {
                parsed.password = percent_decode(userinfo.substr(split + 1));
                secrets.emplace_back(at + split + 1, user_end);
            }
            at = user_end + 1;
        }
        std::size_t host_end = url.find('/', at);
        if (host_end == std::string_view::npos || host_end > end)
            host_end = end;
        std::string_view hostport = url.substr(at, host_end - at);
        std::string_view port;
        if (hostport.starts_with('[')) {
            std::size_t close = hostport.find(']');
            if (close == std::string_view::npos)
                throw fail("has an IPv6 address without its closing ']'");
            parsed.host = std::string(hostport.substr(1, close - 1));
            std::string_view after = hostport.substr(close + 1);
            if (!after.empty()) {
                if (after[0] != ':')
                    throw fail("has text after the IPv6 address");
                port = after.substr(1);
            }
        } else {
            std::size_t split = hostport.rfind(':');
            parsed.host = percent_decode(hostport.substr(0, split));
            if (split != std::string_view::npos)
                port = hostport.substr(split + 1);
        }
        if (!port.empty()) {
            bool digits =
                port.size() <= 5 && std::all_of(port.begin(), port.end(),
                                                [](unsigned char c) { return std::isdigit(c); });
            int number = digits ? std::stoi(std::string(port)) : 0;
            if (!digits || number < 1 || number > 65535)
                throw fail(
                    fmt::format("has the port '{}', which is not a number from 1 to 65535", port));
            parsed.port = number;
        }
        at = host_end;
        if (at < end && url[at] == '/')
            ++at;
    }
    parsed.database = percent_decode(url.substr(at, end - at));

    if (query != std::string_view::npos) {
        std::size_t start = query + 1;
        while (start <= url.size()) {
            std::size_t amp = url.find_first_of("&;", start);
            std::size_t item_end = amp == std::string_view::npos ? url.size() : amp;
            std::string_view item = url.substr(start, item_end - start);
            if (!item.empty()) {
                std::size_t eq = item.find('=');
                std::string key = percent_decode(item.substr(0, eq));
                std::string value = eq == std::string_view::npos
                                        ? std::string()
                                        : percent_decode(item.substr(eq + 1));
                if (secret_parameter(key) && eq != std::string_view::npos)
                    secrets.emplace_back(start + eq + 1, item_end);
                parsed.parameters.emplace_back(std::move(key), std::move(value));
            }
            if (amp == std::string_view::npos)
                break;
            start = amp + 1;
        }
    }

    parsed.display = masked();
    return parsed;
}

} // namespace strata
