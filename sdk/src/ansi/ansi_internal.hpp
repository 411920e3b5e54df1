// SPDX-License-Identifier: Apache-2.0
// Helpers the ANSI base dialect's files share; private to the SDK library.
#pragma once

#include "strata/dialect.hpp"
#include "strata/text.hpp"

#include <string>
#include <string_view>

namespace strata::ansi_detail {

/// One of the words every SQL standard reserves (the ANSI base's LEGACY quoting).
bool ansi_reserved_word(std::string_view name);

/// The attribute, or Error{Validation} naming the change when it is missing or empty.
std::string required(const Change& change, std::string_view attribute);

/// The SQL without its comments (sql stripComments="true"); quoted text is kept.
std::string strip_comments(std::string_view sql);

/// How Liquibase types a value or a default by the column's type (its DataTypeFactory class):
/// numbers stay bare for numeric types, booleans become the database's boolean, text is
/// quoted even when it looks like a number.
enum class ValueClass { Unknown, Text, Numeric, Boolean, Bit, Date };
ValueClass value_class(std::string_view written_type);

/// Digits with an optional sign, point and exponent: what may be written unquoted.
bool numeric_text(std::string_view value);

/// An ISO date-time written with 'T' ("2000-02-04T02:32:00[.fff]") in the form Liquibase
/// writes it ("2000-02-04 02:32:00[.fff]"); any other text unchanged.
std::string liquibase_datetime(std::string_view value);

/// The change whose AnsiDialect::render() is in progress on this thread, or nullptr. Lets
/// loose_literal() type a defaultNullValue by the change's columnDataType, as Liquibase does,
/// through the signature the dialects already call.
const Change* change_in_render();

/// Makes `change` the one in render on this thread for its lifetime (nests).
class RenderScope {
public:
    explicit RenderScope(const Change& change);
    ~RenderScope();
    RenderScope(const RenderScope&) = delete;
    RenderScope& operator=(const RenderScope&) = delete;

private:
    const Change* saved_;
};

/// loadData/loadUpdateData's change with a configuration (type NUMERIC, BOOLEAN, DATE or
/// STRING) for each column of the live table the changelog leaves untyped: Liquibase types
/// those columns from its snapshot of the table. Reads information_schema.columns, or, where
/// the database has none (SQLite), pragma_table_info. Configurations the changelog wrote win.
Change with_live_column_types(const Change& change, Connection& connection, const Dialect& dialect,
                              const std::string& schema_expression);

} // namespace strata::ansi_detail
