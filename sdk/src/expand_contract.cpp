// SPDX-License-Identifier: Apache-2.0
#include "strata/expand_contract.hpp"

#include "strata/dialect.hpp"
#include "strata/text.hpp"

#include <algorithm>
#include <cstdint>
#include <fmt/format.h>

namespace strata {
namespace {

std::string single_key(const Change& change) {
    std::vector<std::string> keys = split_list(change.value("keyColumns"));
    if (keys.size() != 1)
        throw Error(ErrorKind::Validation,
                    fmt::format("{} keyColumns=\"{}\" must name exactly one column",
                                change.type_name(), change.value("keyColumns")),
                    change.where,
                    "name one unique, indexed column, such as a single-column primary key");
    return keys.front();
}

} // namespace

std::string sync_trigger_name(std::string_view table, const std::vector<std::string>& columns) {
    std::vector<std::string> sorted;
    for (const std::string& column : columns)
        sorted.push_back(to_lower(column));
    std::sort(sorted.begin(), sorted.end());
    // FNV-1a: short, stable across platforms and versions.
    std::uint32_t hash = 2166136261u;
    for (const std::string& column : sorted) {
        for (unsigned char c : column + ",") {
            hash ^= c;
            hash *= 16777619u;
        }
    }
    // Room for the dialects' suffixes ("_ins", "_upd") within 63-character identifiers.
    std::string prefix = "strata_sync_" + to_lower(table).substr(0, 32);
    return fmt::format("{}_{:08x}", prefix, hash);
}

ExpandPlan expand_plan(const Change& change) {
    ExpandPlan plan;
    plan.table = change.value("tableName");
    plan.key = single_key(change);
    std::vector<std::string> names;
    for (const Column& column : change.columns) {
        ExpandedColumn expanded{column.name(), "", ""};
        if (const std::string* type = column.get("type"))
            expanded.type = *type;
        if (const std::string* computed = column.get("valueComputed"))
            expanded.computed = trim(*computed);
        if (expanded.computed.empty())
            throw Error(ErrorKind::Validation,
                        fmt::format("column '{}' of strata:expandColumn has no valueComputed",
                                    expanded.name),
                        column.where,
                        expanded.type.empty()
                            ? "an old column (one without a type) needs valueComputed: the SQL "
                              "that computes it from the new columns, for writers that know only "
                              "the new ones"
                            : "a new column (one with a type) needs valueComputed: the SQL that "
                              "computes it from the old columns");
        names.push_back(expanded.name);
        (expanded.type.empty() ? plan.old_columns : plan.new_columns).push_back(expanded);
    }
    if (plan.old_columns.empty() || plan.new_columns.empty())
        throw Error(ErrorKind::Validation,
                    fmt::format("strata:expandColumn of {} needs at least one old column and one "
                                "new one",
                                plan.table),
                    change.where,
                    "write a <column> without a type for each existing column and one with a "
                    "type for each column to add, each with valueComputed");
    plan.trigger_name = sync_trigger_name(plan.table, names);
    return plan;
}

std::string any_holds(const std::vector<std::string>& conditions) {
    return fmt::format("({})", fmt::join(conditions, " OR "));
}

std::string in_change_schema(const Change& change, const Dialect& dialect,
                             const std::string& name) {
    std::string quoted = dialect.quote_identifier(name);
    if (const std::string* schema = change.get("schemaName"); schema && !schema->empty())
        quoted = dialect.quote_identifier(*schema) + "." + quoted;
    return quoted;
}

ContractPlan contract_plan(const Change& change) {
    ContractPlan plan;
    plan.table = change.value("tableName");
    plan.drop_columns = split_list(change.value("dropColumns"));
    plan.keep_columns = split_list(change.value("keepColumns"));
    if (plan.drop_columns.empty() || plan.keep_columns.empty())
        throw Error(ErrorKind::Validation,
                    fmt::format("strata:contractColumn of {} needs dropColumns and keepColumns",
                                plan.table),
                    change.where,
                    "name the old columns of the expand in dropColumns and its new ones in "
                    "keepColumns");
    std::vector<std::string> names = plan.drop_columns;
    names.insert(names.end(), plan.keep_columns.begin(), plan.keep_columns.end());
    plan.trigger_name = sync_trigger_name(plan.table, names);
    return plan;
}

namespace {

Change on_table_of(ChangeKind kind, const Change& origin) {
    Change change;
    change.kind = kind;
    change.where = origin.where;
    for (const char* key : {"catalogName", "schemaName", "tableName"}) {
        if (const std::string* value = origin.get(key))
            change.attributes.emplace(key, *value);
    }
    return change;
}

} // namespace

Change expand_added_columns(const Change& expand) {
    Change add = on_table_of(ChangeKind::AddColumn, expand);
    for (const ExpandedColumn& column : expand_plan(expand).new_columns) {
        Column added;
        added.attributes.emplace("name", column.name);
        added.attributes.emplace("type", column.type);
        add.columns.push_back(std::move(added));
    }
    return add;
}

Change contract_dropped_columns(const Change& contract) {
    Change drop = on_table_of(ChangeKind::DropColumn, contract);
    for (const std::string& name : contract_plan(contract).drop_columns) {
        Column dropped;
        dropped.attributes.emplace("name", name);
        drop.columns.push_back(std::move(dropped));
    }
    return drop;
}

std::string expand_row_source(const ExpandPlan& plan, const Dialect& dialect,
                              std::string_view record) {
    std::vector<std::string> fields;
    for (const auto* side : {&plan.old_columns, &plan.new_columns}) {
        for (const ExpandedColumn& column : *side) {
            std::string name = dialect.quote_identifier(column.name);
            fields.push_back(fmt::format("{}.{} AS {}", record, name, name));
        }
    }
    return fmt::format("(SELECT {}) AS strata_row", fmt::join(fields, ", "));
}

std::string expand_computed(const ExpandedColumn& column, const ExpandPlan& plan,
                            const Dialect& dialect, std::string_view record) {
    return fmt::format("(SELECT {} FROM {})", column.computed,
                       expand_row_source(plan, dialect, record));
}

} // namespace strata
