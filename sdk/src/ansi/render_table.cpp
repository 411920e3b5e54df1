// SPDX-License-Identifier: Apache-2.0
// Column definitions and table-shaped renders: createTable, addColumn, defaults, values.
#include "ansi_internal.hpp"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>
#include <iterator>
#include <regex>

namespace strata {

using ansi_detail::ansi_reserved_word;
using ansi_detail::required;
using ansi_detail::strip_comments;
using ansi_detail::ValueClass;

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

namespace ansi_detail {

ValueClass value_class(std::string_view written_type) {
    std::string name = parse_liquibase_type(written_type).name;
    if (name.starts_with("JAVA.SQL.TYPES."))
        name = name.substr(15);
    static const char* const numeric[] = {
        "INT",    "INTEGER", "INT2",      "INT4",   "INT8",      "SMALLINT",   "TINYINT",
        "BIGINT", "DECIMAL", "NUMERIC",   "NUMBER", "FLOAT",     "FLOAT4",     "FLOAT8",
        "DOUBLE", "REAL",    "MEDIUMINT", "SERIAL", "BIGSERIAL", "SMALLSERIAL"};
    static const char* const text[] = {
        "CHAR", "VARCHAR", "NCHAR",  "NVARCHAR", "VARCHAR2",   "NVARCHAR2", "CHARACTER",  "TEXT",
        "CLOB", "NCLOB",   "STRING", "LONGTEXT", "MEDIUMTEXT", "TINYTEXT",  "LONGVARCHAR"};
    static const char* const date[] = {"DATE",          "DATETIME",    "TIMESTAMP",
                                       "TIME",          "TIMESTAMPTZ", "TIMETZ",
                                       "SMALLDATETIME", "DATETIME2",   "DATETIMEOFFSET"};
    auto in = [&](const auto& names) {
        return std::any_of(std::begin(names), std::end(names),
                           [&](const char* candidate) { return name == candidate; });
    };
    if (name == "BOOLEAN" || name == "BOOL")
        return ValueClass::Boolean;
    if (name == "BIT" || name == "VARBIT")
        return ValueClass::Bit;
    if (in(numeric))
        return ValueClass::Numeric;
    if (in(text))
        return ValueClass::Text;
    if (in(date))
        return ValueClass::Date;
    return ValueClass::Unknown;
}

bool numeric_text(std::string_view value) {
    return !value.empty() && value.find_first_not_of("+-.0123456789eE") == std::string::npos &&
           std::isdigit(static_cast<unsigned char>(value.back()));
}

std::string liquibase_datetime(std::string_view value) {
    // yyyy-MM-ddTHH:mm[:ss[.f...]] and nothing else.
    auto digits = [&](std::size_t from, std::size_t count) {
        if (from + count > value.size())
            return false;
        return std::all_of(value.begin() + static_cast<long>(from),
                           value.begin() + static_cast<long>(from + count),
                           [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
    };
    bool shape = value.size() >= 16 && digits(0, 4) && value[4] == '-' && digits(5, 2) &&
                 value[7] == '-' && digits(8, 2) && value[10] == 'T' && digits(11, 2) &&
                 value[13] == ':' && digits(14, 2);
    if (shape && value.size() > 16) {
        shape = value.size() >= 19 && value[16] == ':' && digits(17, 2);
        if (shape && value.size() > 19)
            shape = value[19] == '.' && value.size() > 20 && digits(20, value.size() - 20);
    }
    if (!shape)
        return std::string(value);
    std::string spaced(value);
    spaced[10] = ' ';
    return spaced;
}

namespace {
thread_local const Change* render_in_progress = nullptr;
} // namespace

const Change* change_in_render() {
    return render_in_progress;
}

RenderScope::RenderScope(const Change& change) : saved_(render_in_progress) {
    render_in_progress = &change;
}

RenderScope::~RenderScope() {
    render_in_progress = saved_;
}

} // namespace ansi_detail

std::string AnsiDialect::loose_literal(const std::string& value) const {
    // Typed by the columnDataType of the change in render (addNotNullConstraint's
    // defaultNullValue), as Liquibase types it: B'1' for a bit, the boolean for a boolean.
    const Change* change = ansi_detail::change_in_render();
    const std::string* type = change ? change->get("columnDataType") : nullptr;
    ValueClass kind = type ? ansi_detail::value_class(*type) : ValueClass::Unknown;
    std::string word = to_lower(trim(value));
    bool truthy = word == "true" || word == "1" || word == "t" || word == "y" || word == "yes";
    bool falsy = word == "false" || word == "0" || word == "f" || word == "n" || word == "no";
    if (kind == ValueClass::Bit && (truthy || falsy) && word != "1" && word != "0")
        return truthy ? "B'1'" : "B'0'";
    if (kind == ValueClass::Bit && !word.empty() &&
        word.find_first_not_of("01") == std::string::npos)
        return "B'" + word + "'";
    if (kind == ValueClass::Boolean && (truthy || falsy))
        return boolean_literal(truthy);
    if (kind == ValueClass::Text || kind == ValueClass::Date)
        return quote_literal(value);
    if (ansi_detail::numeric_text(value))
        return value;
    if (word == "true" || word == "false")
        return boolean_literal(word == "true");
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
    if (maps_computed_values()) {
        if (std::optional<std::string> sql = liquibase_computed_default(column))
            return *sql;
    }
    // Liquibase types a default by the column's type (createTable's type, addDefaultValue's
    // columnDataType): DEFAULT 1000 for a number written defaultValue="1000", the boolean for
    // defaultValueNumeric="0" on a boolean, '8' for a number on a text column.
    const std::string* type = column.get("type");
    if (type == nullptr)
        type = column.get("columnDataType");
    ValueClass kind = type ? ansi_detail::value_class(*type) : ValueClass::Unknown;
    auto is_zero = [](const std::string& v) {
        return v.find_first_not_of("+-0.") == std::string::npos;
    };
    if (const std::string* v = column.get("defaultValueComputed"))
        return *v;
    if (const std::string* v = column.get("defaultValueNumeric")) {
        if (kind == ValueClass::Boolean && ansi_detail::numeric_text(*v))
            return boolean_literal(!is_zero(*v));
        if (kind == ValueClass::Text)
            return quote_literal(*v);
        return *v;
    }
    if (const std::string* v = column.get("defaultValueBoolean"))
        return boolean_literal(*v == "true");
    if (const std::string* v = column.get("defaultValueDate"))
        return quote_literal(*v);
    if (const std::string* v = column.get("defaultValue")) {
        std::string word = to_lower(trim(*v));
        if (kind == ValueClass::Boolean && (word == "true" || word == "false"))
            return boolean_literal(word == "true");
        if (kind == ValueClass::Numeric && ansi_detail::numeric_text(trim(*v)))
            return trim(*v);
        return quote_literal(*v);
    }
    return {};
}

std::string AnsiDialect::value_literal(const Column& column) const {
    if (maps_computed_values()) {
        if (std::optional<std::string> sql = liquibase_computed_value(column))
            return *sql;
    }
    if (const std::string* v = column.get("valueComputed"))
        return *v;
    if (const std::string* v = column.get("valueNumeric"))
        return *v;
    if (const std::string* v = column.get("valueBoolean"))
        return boolean_literal(*v == "true");
    if (const std::string* v = column.get("valueDate"))
        return quote_literal(ansi_detail::liquibase_datetime(*v));
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
    // A unique column inside a composite primary key is unique on its own too; the column
    // definition leaves key columns' UNIQUE out, so it is a table constraint here.
    if (primary_key.size() > 1) {
        for (const Column& column : change.columns) {
            if (!column.constraint_flag("primaryKey") || !column.constraint_flag("unique"))
                continue;
            const std::string* name = column.constraint("uniqueConstraintName");
            parts.push_back(fmt::format("{}UNIQUE ({})",
                                        name ? "CONSTRAINT " + quote_identifier(*name) + " " : "",
                                        quote_identifier(column.name())));
        }
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
    // A column's value is what the existing rows get, as Liquibase sets it: one UPDATE per
    // column, after all of them were added.
    for (const Column& column : change.columns) {
        bool has_value = false;
        for (const char* key :
             {"value", "valueNumeric", "valueBoolean", "valueDate", "valueComputed"})
            has_value = has_value || column.get(key) != nullptr;
        if (has_value)
            statements.push_back(
                fmt::format("UPDATE {} SET {} = {}", qualified(change, "tableName"),
                            quote_identifier(column.name()), value_literal(column)));
    }
    return statements;
}

namespace {

// Liquibase's ColumnConfig: a date is an ISO date, time or timestamp; anything else in a
// date attribute is a computed value (valueDate="NOW()" is the function, not the string).
bool iso_date_literal(std::string_view value) {
    static const std::regex kDate(R"(\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?)"
                                  R"((Z|[+-]\d{2}:?\d{2})?|\d{2}:\d{2}:\d{2}(\.\d+)?)");
    return std::regex_match(value.begin(), value.end(), kDate);
}

bool numeric_literal(std::string_view value) {
    static const std::regex kNumber(R"([+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)");
    return std::regex_match(value.begin(), value.end(), kNumber);
}

// A date literal as Liquibase writes the date it parsed: 'yyyy-MM-dd HH:mm:ss', no 'T'.
std::string iso_date_text(std::string value) {
    if (value.size() > 10 && value[10] == 'T')
        value[10] = ' ';
    return value;
}

// defaultValueNumeric="(1+2)": Liquibase strips one pair of enclosing parentheses first.
std::string without_parentheses(std::string value) {
    if (value.starts_with('('))
        value.erase(0, 1);
    if (value.ends_with(')'))
        value.pop_back();
    return value;
}

} // namespace

bool AnsiDialect::maps_computed_values() const {
    return false;
}

std::string AnsiDialect::computed_value(std::string_view value) const {
    return std::string(value);
}

std::optional<std::string> AnsiDialect::liquibase_computed_default(const Column& column) const {
    if (const std::string* v = column.get("defaultValueComputed"))
        return computed_value(*v);
    if (const std::string* v = column.get("defaultValueNumeric")) {
        std::string number = without_parentheses(*v);
        if (!numeric_literal(number))
            return computed_value(number);
        if (number == *v)
            return std::nullopt; // a plain number: the base rules type it by its column
        Column typed = column;
        typed.attributes.insert_or_assign("defaultValueNumeric", number);
        return default_clause(typed);
    }
    if (column.get("defaultValueBoolean") == nullptr) {
        if (const std::string* v = column.get("defaultValueDate"))
            return iso_date_literal(*v) ? quote_literal(iso_date_text(*v)) : computed_value(*v);
    }
    return std::nullopt;
}

std::optional<std::string> AnsiDialect::liquibase_computed_value(const Column& column) const {
    if (const std::string* v = column.get("valueComputed"))
        return computed_value(*v);
    if (const std::string* v = column.get("valueNumeric"))
        return numeric_literal(*v) ? *v : computed_value(*v);
    if (column.get("valueBoolean") == nullptr) {
        if (const std::string* v = column.get("valueDate"))
            return iso_date_literal(*v) ? quote_literal(iso_date_text(*v)) : computed_value(*v);
    }
    return std::nullopt;
}

} // namespace strata
