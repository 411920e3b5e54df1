// SPDX-License-Identifier: Apache-2.0
// Preconditions of the changelog and of changesets: evaluated against the live database.
#include "engine_internal.hpp"
#include "strata/core/checksum.hpp"
#include "strata/core/rollback.hpp"

#include <algorithm>
#include <filesystem>
#include <fmt/format.h>
#include <regex>
#include <set>
#include <tuple>

namespace strata {

Engine::PreconditionVerdict Engine::evaluate(const Preconditions& preconditions,
                                             const Changelog& changelog) {
    PreconditionVerdict verdict;
    try {
        for (const Precondition& condition : preconditions.conditions) {
            std::string why;
            if (!holds(condition, changelog, why)) {
                verdict.passed = false;
                verdict.message =
                    preconditions.on_fail_message.empty() ? why : preconditions.on_fail_message;
                return verdict;
            }
        }
    } catch (const Error& error) {
        verdict.passed = false;
        verdict.errored = true;
        verdict.message =
            preconditions.on_error_message.empty() ? error.what() : preconditions.on_error_message;
    }
    return verdict;
}

// One precondition; `why` says what did not hold. Errors (bad SQL, a missing table for
// rowCount) propagate and become onError.
bool Engine::holds(const Precondition& condition, const Changelog& changelog, std::string& why) {
    const std::string& type = condition.type;
    if (type == "and" || type == "or") {
        bool any = false;
        for (const Precondition& child : condition.children) {
            bool child_holds = holds(child, changelog, why);
            if (type == "and" && !child_holds)
                return false;
            any = any || child_holds;
        }
        return type == "and" || any;
    }
    if (type == "not") {
        for (const Precondition& child : condition.children) {
            std::string ignored;
            if (holds(child, changelog, ignored)) {
                why = fmt::format("not: {} holds", child.type);
                return false;
            }
        }
        return true;
    }
    bool result = false;
    if (type == "dbms") {
        result = dbms_matches(condition.value("type"), dialect_.name());
        why = fmt::format("the database is {}, not {}", dialect_.name(), condition.value("type"));
    } else if (type == "runningAs") {
        result = split_names(condition.value("username")) == split_names(settings_.username) &&
                 !settings_.username.empty();
        why = fmt::format("connected as '{}', not '{}'", settings_.username,
                          condition.value("username"));
    } else if (type == "changeSetExecuted") {
        std::string key = identity_key(condition.value("id"), condition.value("author"),
                                       condition.value("changeLogFile"));
        // Read now, not at the start of the run: a changeset run earlier in this update counts.
        // validate on a database never updated has no history table: nothing has run.
        std::vector<HistoryRow> current;
        if (history_exists_ || history_.exists(connection_))
            current = history_.read(connection_);
        result = std::any_of(current.begin(), current.end(), [&](const HistoryRow& row) {
            return identity_key(row.id, row.author, row.filename) == key;
        });
        why = fmt::format("changeSet {}::{}::{} has not been executed",
                          condition.value("changeLogFile"), condition.value("id"),
                          condition.value("author"));
    } else if (type == "changeLogPropertyDefined") {
        auto it = changelog.properties.find(condition.value("property"));
        result = it != changelog.properties.end() &&
                 (!condition.attributes.count("value") || it->second == condition.value("value"));
        why = fmt::format("property '{}' is not defined{}", condition.value("property"),
                          condition.attributes.count("value") ? " with that value" : "");
    } else if (type == "expectedQuotingStrategy") {
        result = condition.value("strategy") == "LEGACY";
        why = "strata quotes names as LEGACY does";
    } else if (type == "sqlCheck") {
        ResultSet answer = connection_.query(condition.value("sql"));
        std::string value =
            answer.rows.empty() || answer.rows[0].empty() ? "" : answer.rows[0][0].value_or("NULL");
        result = trim(value) == trim(condition.value("expectedResult"));
        why = fmt::format("sqlCheck returned '{}', expected '{}'", value,
                          condition.value("expectedResult"));
    } else if (type == "tableIsEmpty" || type == "rowCount") {
        std::string table = dialect_.quote_identifier(condition.value("tableName"));
        if (!condition.value("schemaName").empty())
            table = dialect_.quote_identifier(condition.value("schemaName")) + "." + table;
        std::string where = condition.value("where");
        ResultSet answer = connection_.query(fmt::format("SELECT COUNT(*) FROM {}{}", table,
                                                         where.empty() ? "" : " WHERE " + where));
        std::string count = answer.rows.at(0).at(0).value_or("0");
        std::string expected = type == "tableIsEmpty" ? "0" : condition.value("expectedRows");
        result = count == expected;
        why = fmt::format("table {} has {} rows, expected {}", condition.value("tableName"), count,
                          expected);
    } else {
        result = dialect_.object_exists(connection_, condition);
        why = fmt::format("{} does not hold", type);
        for (const auto& [key, value] : condition.attributes)
            why += fmt::format(" {}={}", key, value);
    }
    return result;
}

} // namespace strata
