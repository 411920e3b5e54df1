// SPDX-License-Identifier: Apache-2.0
// Expand/contract on SQLite: it has no BEFORE trigger that can change the row being written,
// so AFTER INSERT and AFTER UPDATE triggers update that row again, found by the key column.
// A write that changes an old column (or an insert without the new ones) recomputes the new
// columns; a write that changes a new column to something the old ones do not already give
// recomputes the old columns. The trigger's own UPDATE writes what the other side already
// gives, so it never fires a second recomputation (and recursive_triggers is off).
#include "sqlite_dialect_class.hpp"

#include <fmt/format.h>
#include <strata/expand_contract.hpp>

namespace strata::dialect::sqlite {

std::optional<std::vector<std::string>>
SqliteDialect::render_expand_contract(const Change& change, const RenderContext& context) const {
    if (change.kind == ChangeKind::ContractColumn) {
        ContractPlan plan = contract_plan(change);
        std::vector<std::string> statements{
            fmt::format("DROP TRIGGER IF EXISTS {}", quote_identifier(plan.trigger_name + "_ins")),
            fmt::format("DROP TRIGGER IF EXISTS {}", quote_identifier(plan.trigger_name + "_upd"))};
        // Dropping a column may rebuild the table, which recreates the table's triggers as
        // they are when rendering, before the drops above have run: not the sync triggers.
        for (std::string& statement : render_change(contract_dropped_columns(change), context)) {
            if (statement.starts_with("CREATE TRIGGER") &&
                statement.find(plan.trigger_name) != std::string::npos)
                continue;
            statements.push_back(std::move(statement));
        }
        return statements;
    }
    if (change.kind != ChangeKind::ExpandColumn)
        return std::nullopt;

    ExpandPlan plan = expand_plan(change);
    // Statements inside a trigger take no schema name.
    const std::string table = quote_identifier(plan.table);
    const std::string key = quote_identifier(plan.key);
    std::vector<std::string> statements = render_change(expand_added_columns(change), context);
    auto field = [&](const ExpandedColumn& column, std::string_view record) {
        return fmt::format("{}.{}", record, quote_identifier(column.name));
    };
    std::vector<std::string> new_all_null, old_changed, new_changed, new_not_computed, set_new,
        set_old;
    for (const ExpandedColumn& column : plan.new_columns) {
        new_all_null.push_back(field(column, "NEW") + " IS NULL");
        new_changed.push_back(
            fmt::format("{} IS NOT {}", field(column, "NEW"), field(column, "OLD")));
        std::string computed = expand_computed(column, plan, *this, "NEW");
        new_not_computed.push_back(fmt::format("{} IS NOT {}", field(column, "NEW"), computed));
        set_new.push_back(fmt::format("{} = {}", quote_identifier(column.name), computed));
    }
    for (const ExpandedColumn& column : plan.old_columns) {
        old_changed.push_back(
            fmt::format("{} IS NOT {}", field(column, "NEW"), field(column, "OLD")));
        set_old.push_back(fmt::format("{} = {}", quote_identifier(column.name),
                                      expand_computed(column, plan, *this, "NEW")));
    }
    std::string all_null = fmt::format("({})", fmt::join(new_all_null, " AND "));
    std::string this_row = fmt::format("{} = NEW.{}", key, key);
    statements.push_back(
        fmt::format("DROP TRIGGER IF EXISTS {}", quote_identifier(plan.trigger_name + "_ins")));
    statements.push_back(fmt::format("CREATE TRIGGER {} AFTER INSERT ON {} FOR EACH ROW BEGIN\n"
                                     "  UPDATE {} SET {} WHERE {} AND {};\n"
                                     "  UPDATE {} SET {} WHERE {} AND NOT {} AND {};\n"
                                     "END",
                                     quote_identifier(plan.trigger_name + "_ins"), table, table,
                                     fmt::join(set_new, ", "), this_row, all_null, table,
                                     fmt::join(set_old, ", "), this_row, all_null,
                                     any_holds(new_not_computed)));
    statements.push_back(
        fmt::format("DROP TRIGGER IF EXISTS {}", quote_identifier(plan.trigger_name + "_upd")));
    statements.push_back(fmt::format(
        "CREATE TRIGGER {} AFTER UPDATE ON {} FOR EACH ROW BEGIN\n"
        "  UPDATE {} SET {} WHERE {} AND {};\n"
        "  UPDATE {} SET {} WHERE {} AND NOT {} AND {} AND {};\n"
        "END",
        quote_identifier(plan.trigger_name + "_upd"), table, table, fmt::join(set_new, ", "),
        this_row, any_holds(old_changed), table, fmt::join(set_old, ", "), this_row,
        any_holds(old_changed), any_holds(new_changed), any_holds(new_not_computed)));
    return statements;
}

} // namespace strata::dialect::sqlite
