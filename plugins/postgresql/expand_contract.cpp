// SPDX-License-Identifier: Apache-2.0
// Expand/contract on PostgreSQL: one plpgsql function, run BEFORE INSERT OR UPDATE of each
// row, keeps the old and new columns of an expand in sync. A write that changes an old
// column (or an insert without the new ones) recomputes the new columns; a write that
// changes a new column to something the old ones do not already give recomputes the old
// columns. The backfill writes exactly what the old columns give, so it never writes back.
#include "postgresql_dialect_class.hpp"

#include <fmt/format.h>
#include <strata/expand_contract.hpp>

namespace strata::dialect::postgresql {

std::optional<std::vector<std::string>>
PostgresDialect::render_expand_contract(const Change& change, const RenderContext& context) const {
    auto function_name = [&](const std::string& trigger) {
        return in_change_schema(change, *this, trigger);
    };
    if (change.kind != ChangeKind::ExpandColumn && change.kind != ChangeKind::ContractColumn)
        return std::nullopt;
    const std::string table = qualified(change, "tableName");
    if (change.kind == ChangeKind::ContractColumn) {
        ContractPlan plan = contract_plan(change);
        std::vector<std::string> statements{
            fmt::format("DROP TRIGGER IF EXISTS {} ON {}", quote_identifier(plan.trigger_name),
                        table),
            fmt::format("DROP FUNCTION IF EXISTS {}()", function_name(plan.trigger_name))};
        for (std::string& statement : render_change(contract_dropped_columns(change), context))
            statements.push_back(std::move(statement));
        return statements;
    }
    ExpandPlan plan = expand_plan(change);
    std::vector<std::string> statements = render_change(expand_added_columns(change), context);
    auto field = [&](const ExpandedColumn& column, std::string_view record) {
        return fmt::format("{}.{}", record, quote_identifier(column.name));
    };
    std::vector<std::string> new_all_null, old_changed, new_changed, new_not_computed;
    std::string compute_new, compute_old;
    for (const ExpandedColumn& column : plan.new_columns) {
        new_all_null.push_back(field(column, "NEW") + " IS NULL");
        new_changed.push_back(
            fmt::format("{} IS DISTINCT FROM {}", field(column, "NEW"), field(column, "OLD")));
        std::string computed = expand_computed(column, plan, *this, "NEW");
        new_not_computed.push_back(
            fmt::format("{} IS DISTINCT FROM {}", field(column, "NEW"), computed));
        compute_new += fmt::format("    {} := {};\n", field(column, "NEW"), computed);
    }
    for (const ExpandedColumn& column : plan.old_columns) {
        old_changed.push_back(
            fmt::format("{} IS DISTINCT FROM {}", field(column, "NEW"), field(column, "OLD")));
        compute_old += fmt::format("    {} := {};\n", field(column, "NEW"),
                                   expand_computed(column, plan, *this, "NEW"));
    }
    // OLD is read only in the UPDATE branch: an INSERT has none.
    statements.push_back(fmt::format(
        "CREATE OR REPLACE FUNCTION {fn}() RETURNS trigger LANGUAGE plpgsql AS $strata$\n"
        "DECLARE\n"
        "  strata_up boolean;\n"
        "  strata_down boolean;\n"
        "BEGIN\n"
        "  IF TG_OP = 'INSERT' THEN\n"
        "    strata_up := {all_null};\n"
        "    strata_down := NOT strata_up;\n"
        "  ELSE\n"
        "    strata_up := {old_changed};\n"
        "    strata_down := NOT strata_up AND {new_changed};\n"
        "  END IF;\n"
        "  IF strata_up THEN\n"
        "{compute_new}"
        "  ELSIF strata_down AND {not_computed} THEN\n"
        "{compute_old}"
        "  END IF;\n"
        "  RETURN NEW;\n"
        "END\n"
        "$strata$",
        fmt::arg("fn", function_name(plan.trigger_name)),
        fmt::arg("all_null", fmt::format("({})", fmt::join(new_all_null, " AND "))),
        fmt::arg("old_changed", any_holds(old_changed)),
        fmt::arg("new_changed", any_holds(new_changed)),
        fmt::arg("not_computed", any_holds(new_not_computed)), fmt::arg("compute_new", compute_new),
        fmt::arg("compute_old", compute_old)));
    statements.push_back(
        fmt::format("DROP TRIGGER IF EXISTS {} ON {}", quote_identifier(plan.trigger_name), table));
    statements.push_back(
        fmt::format("CREATE TRIGGER {} BEFORE INSERT OR UPDATE ON {} FOR EACH ROW EXECUTE "
                    "FUNCTION {}()",
                    quote_identifier(plan.trigger_name), table, function_name(plan.trigger_name)));
    return statements;
}

} // namespace strata::dialect::postgresql
