// SPDX-License-Identifier: Apache-2.0
#include "strata/error.hpp"

#include "strata/connection.hpp"
#include "strata/dialect.hpp"
#include "strata/text.hpp"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>

namespace strata {

std::string SourceLocation::str() const {
    if (file.empty())
        return {};
    if (line == 0)
        return file;
    if (column == 0)
        return fmt::format("{}:{}", file, line);
    return fmt::format("{}:{}:{}", file, line, column);
}

Error::Error(ErrorKind kind, std::string message, SourceLocation where, std::string hint)
    : std::runtime_error(std::move(message)), kind_(kind), where_(std::move(where)),
      hint_(std::move(hint)) {}

// Out of line so the vtable and type_info live in strata_sdk only: a plugin's throw is
// caught by the host's catch, since both see the one copy in the SDK library.
Error::~Error() = default;

Error& Error::add_context(std::string what) {
    context_.push_back(std::move(what));
    return *this;
}

Error& Error::set_changeset(std::string identifier) {
    if (changeset_.empty())
        changeset_ = std::move(identifier);
    return *this;
}

Error& Error::set_sql(std::string sql) {
    constexpr std::size_t kMaxSql = 500;
    if (sql.size() > kMaxSql)
        sql = sql.substr(0, kMaxSql) + "...";
    sql_ = std::move(sql);
    return *this;
}

Error& Error::set_hint(std::string hint) {
    hint_ = std::move(hint);
    return *this;
}

std::string Error::describe() const {
    std::string text = where_.known() ? fmt::format("{}: {}", where_.str(), what()) : what();
    if (!sql_.empty())
        text += fmt::format("\n  while executing: {}", sql_);
    for (const std::string& line : context_)
        text += fmt::format("\n  while {}", line);
    if (!hint_.empty())
        text += fmt::format("\n  hint: {}", hint_);
    return text;
}

Connection::~Connection() = default;
Dialect::~Dialect() = default;

std::vector<lint::Rule> Dialect::lint_rules() const {
    return {};
}
lint::Assessment Dialect::lint(const lint::Subject& /*subject*/) const {
    return {};
}
void Dialect::set_safety(const lint::SafetySettings& settings) {
    safety_ = settings;
}
std::vector<std::string>
Dialect::lock_timeout_statements(std::chrono::milliseconds /*timeout*/) const {
    return {};
}
std::vector<lint::HeldLock> Dialect::held_locks(Connection& /*connection*/) const {
    return {};
}
std::vector<lint::HeldLock> Dialect::others_locks(Connection& /*connection*/) const {
    return {};
}
bool Dialect::runs_outside_transaction(std::string_view /*statement*/) const {
    return false;
}
lint::Recovery Dialect::recover(Connection& /*connection*/, std::string_view /*statement*/,
                                const Error& /*error*/, bool /*in_transaction*/) const {
    return {};
}

namespace lint {
std::string table_key(std::string_view written) {
    std::string name(written);
    if (auto dot = name.find_last_of('.'); dot != std::string::npos)
        name = name.substr(dot + 1);
    std::string plain;
    for (char c : name) {
        if (c != '"' && c != '`' && c != '[' && c != ']')
            plain += c;
    }
    return to_lower(trim(plain));
}

std::string_view severity_name(Severity severity) {
    switch (severity) {
    case Severity::Info:
        return "info";
    case Severity::Warning:
        return "warning";
    case Severity::Error:
        return "error";
    }
    return "warning";
}
} // namespace lint
AnsiDialect::~AnsiDialect() = default;

std::size_t ResultSet::column_index(std::string_view name) const {
    auto same = [name](const std::string& column) {
        return std::equal(column.begin(), column.end(), name.begin(), name.end(),
                          [](char a, char b) { return std::toupper(a) == std::toupper(b); });
    };
    auto it = std::find_if(columns.begin(), columns.end(), same);
    STRATA_ASSERT(it != columns.end(), fmt::format("result has no column {}", name));
    return static_cast<std::size_t>(it - columns.begin());
}

} // namespace strata
