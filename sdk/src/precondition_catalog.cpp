// SPDX-License-Identifier: Apache-2.0
// The precondition types of Liquibase 4.x and their attributes: the one place
// every format's reader checks them against.
#include "strata/changelog.hpp"

#include <algorithm>
#include <array>

namespace strata {
namespace {

using Names = std::span<const std::string_view>;

constexpr std::string_view kNone[] = {""};
constexpr std::string_view kDbms[] = {"type"};
constexpr std::string_view kRunningAs[] = {"username"};
constexpr std::string_view kChangeSetExecuted[] = {"id", "author", "changeLogFile"};
constexpr std::string_view kTable[] = {"catalogName", "schemaName", "tableName"};
constexpr std::string_view kColumn[] = {"catalogName", "schemaName", "tableName", "columnName"};
constexpr std::string_view kView[] = {"catalogName", "schemaName", "viewName"};
constexpr std::string_view kForeignKey[] = {"catalogName", "schemaName", "foreignKeyTableName",
                                            "foreignKeyName"};
constexpr std::string_view kIndex[] = {"catalogName", "schemaName", "tableName", "indexName",
                                       "columnNames"};
constexpr std::string_view kSequence[] = {"catalogName", "schemaName", "sequenceName"};
constexpr std::string_view kPrimaryKey[] = {"catalogName", "schemaName", "tableName",
                                            "primaryKeyName"};
constexpr std::string_view kUnique[] = {"catalogName", "schemaName", "tableName", "constraintName",
                                        "columnNames"};
constexpr std::string_view kSqlCheck[] = {"expectedResult", "sql"};
constexpr std::string_view kProperty[] = {"property", "value"};
constexpr std::string_view kQuoting[] = {"strategy"};
constexpr std::string_view kTableIsEmpty[] = {"catalogName", "schemaName", "tableName", "where"};
constexpr std::string_view kRowCount[] = {"catalogName", "schemaName", "tableName", "expectedRows"};

struct Entry {
    std::string_view type;
    Names attributes;
};

const std::array kEntries = {
    Entry{"and", Names(kNone, 0)},
    Entry{"changeLogPropertyDefined", kProperty},
    Entry{"changeSetExecuted", kChangeSetExecuted},
    Entry{"columnExists", kColumn},
    Entry{"dbms", kDbms},
    Entry{"expectedQuotingStrategy", kQuoting},
    Entry{"foreignKeyConstraintExists", kForeignKey},
    Entry{"indexExists", kIndex},
    Entry{"not", Names(kNone, 0)},
    Entry{"or", Names(kNone, 0)},
    Entry{"primaryKeyExists", kPrimaryKey},
    Entry{"rowCount", kRowCount},
    Entry{"runningAs", kRunningAs},
    Entry{"sequenceExists", kSequence},
    Entry{"sqlCheck", kSqlCheck},
    Entry{"tableExists", kTable},
    Entry{"tableIsEmpty", kTableIsEmpty},
    Entry{"uniqueConstraintExists", kUnique},
    Entry{"viewExists", kView},
};

const Entry* find(std::string_view type) {
    auto it = std::find_if(kEntries.begin(), kEntries.end(),
                           [type](const Entry& e) { return e.type == type; });
    return it == kEntries.end() ? nullptr : &*it;
}

} // namespace

bool precondition_type_known(std::string_view type) {
    return find(type) != nullptr;
}

std::span<const std::string_view> precondition_attributes(std::string_view type) {
    const Entry* entry = find(type);
    return entry ? entry->attributes : Names(kNone, 0);
}

std::vector<std::string_view> precondition_types() {
    std::vector<std::string_view> types;
    for (const Entry& entry : kEntries)
        types.push_back(entry.type);
    return types;
}

} // namespace strata
