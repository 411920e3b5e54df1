// SPDX-License-Identifier: Apache-2.0
// Expand/contract on MariaDB and MySQL: a BEFORE INSERT and a BEFORE UPDATE trigger keep the
// old and new columns of an expand in sync. A write that changes an old column (or an insert
// without the new ones) recomputes the new columns; a write that changes a new column to
// something the old ones do not already give recomputes the old columns. The backfill
// writes exactly what the old columns give, so it never writes back.
#include "mysql_dialect_class.hpp"

#include <fmt/format.h>
#include <strata/expand_contract.hpp>

namespace strata::dialect::mysql {

std::optional<std::vector<std::string>>
MysqlDialect::render_expand_contract(const Change& change, const RenderContext& context) const {
    auto trigger = [&](const std::string& base, std::string_view suffix) {
        return in_change_schema(change, *this, base + std::string(suffix));
    };
    if (change.kind == ChangeKind::ContractColumn) {
        ContractPlan plan = contract_plan(change);
        std::vector<std::string> statements{
            fmt::format("DROP TRIGGER IF EXISTS {}", trigger(plan.trigger_name, "_ins")),
            fmt::format("DROP TRIGGER IF EXISTS {}", trigger(plan.trigger_name, "_upd"))};
        for (std::string& statement : render_statements(contract_dropped_columns(change), context))
            statements.push_back(std::move(statement));
        return statements;
    }
    if (change.kind != ChangeKind::ExpandColumn)
        return std::nullopt;

    ExpandPlan plan = expand_plan(change);
    const std::string table = qualified(change, "tableName");
    std::vector<std::string> statements = render_statements(expand_added_columns(change), context);
    auto field = [&](const ExpandedColumn& column, std::string_view record) {
        return fmt::format("{}.{}", record, quote_identifier(column.name));
    };
    std::vector<std::string> new_all_null, old_changed, new_changed, new_not_computed;
    std::string compute_new, compute_old;
    for (const ExpandedColumn& column : plan.new_columns) {
        new_all_null.push_back(field(column, "NEW") + " IS NULL");
        new_changed.push_back(
            fmt::format("NOT ({} <=> {})", field(column, "NEW"), field(column, "OLD")));
        std::string computed = expand_computed(column, plan, *this, "NEW");
        new_not_computed.push_back(fmt::format("NOT ({} <=> {})", field(column, "NEW"), computed));
        compute_new += fmt::format("    SET {} = {};\n", field(column, "NEW"), computed);
    }
    for (const ExpandedColumn& column : plan.old_columns) {
        old_changed.push_back(
            fmt::format("NOT ({} <=> {})", field(column, "NEW"), field(column, "OLD")));
        compute_old += fmt::format("    SET {} = {};\n", field(column, "NEW"),
                                   expand_computed(column, plan, *this, "NEW"));
    }
    std::string all_null = fmt::format("({})", fmt::join(new_all_null, " AND "));
    statements.push_back(
        fmt::format("DROP TRIGGER IF EXISTS {}", trigger(plan.trigger_name, "_ins")));
    statements.push_back(fmt::format("CREATE TRIGGER {} BEFORE INSERT ON {} FOR EACH ROW\n"
                                     "BEGIN\n"
                                     "  IF {} THEN\n"
                                     "{}"
                                     "  ELSEIF {} THEN\n"
                                     "{}"
                                     "  END IF;\n"
                                     "END",
                                     trigger(plan.trigger_name, "_ins"), table, all_null,
                                     compute_new, any_holds(new_not_computed), compute_old));
    statements.push_back(
        fmt::format("DROP TRIGGER IF EXISTS {}", trigger(plan.trigger_name, "_upd")));
    statements.push_back(fmt::format("CREATE TRIGGER {} BEFORE UPDATE ON {} FOR EACH ROW\n"
                                     "BEGIN\n"
                                     "  IF {} THEN\n"
                                     "{}"
                                     "  ELSEIF {} AND {} THEN\n"
                                     "{}"
                                     "  END IF;\n"
                                     "END",
                                     trigger(plan.trigger_name, "_upd"), table,
                                     any_holds(old_changed), compute_new, any_holds(new_changed),
                                     any_holds(new_not_computed), compute_old));
    return statements;
}

} // namespace strata::dialect::mysql
