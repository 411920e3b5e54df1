// SPDX-License-Identifier: Apache-2.0
// strata:expandColumn and strata:contractColumn, read once for every dialect: which columns
// are old and which new, the SQL computing each from the other side, and the name of the
// triggers that keep them in sync (the same name from the expand, its contract and its
// rollback, so each finds what the other installed).
#pragma once

#include "strata/change.hpp"
#include "strata/export.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace strata {

class Dialect;

/// One column of an expand: `computed` is the SQL expression over the other side's columns
/// that gives its value (an old column's from the new ones, a new column's from the old).
struct ExpandedColumn {
    std::string name;
    /// The type of a new column; empty for an old (existing) one.
    std::string type;
    std::string computed;
};

struct ExpandPlan {
    std::string table;
    /// The one column batches are paginated on.
    std::string key;
    std::vector<ExpandedColumn> old_columns;
    std::vector<ExpandedColumn> new_columns;
    /// The base name of the sync triggers (and PostgreSQL's trigger function).
    std::string trigger_name;
};

/// Reads an expandColumn; throws Error{Validation} (naming the change's line) when it has no
/// old or no new column, a column without valueComputed, or a key of other than one column.
STRATA_API ExpandPlan expand_plan(const Change& change);

/// contractColumn's columns: those it drops and those it keeps.
struct ContractPlan {
    std::string table;
    std::vector<std::string> drop_columns;
    std::vector<std::string> keep_columns;
    std::string trigger_name;
};
STRATA_API ContractPlan contract_plan(const Change& change);

/// The addColumn of an expand's new columns (their name and type only), and the dropColumn
/// of a contract's dropped columns: each dialect renders them as it renders its own.
STRATA_API Change expand_added_columns(const Change& expand);
STRATA_API Change contract_dropped_columns(const Change& contract);

/// "strata_sync_<table>_<hash of the columns>", at most 56 characters, the same whichever
/// order the columns are named in and whichever side each is on.
STRATA_API std::string sync_trigger_name(std::string_view table,
                                         const std::vector<std::string>& columns);

/// "(a OR b OR ...)": whether any of a trigger's conditions holds.
STRATA_API std::string any_holds(const std::vector<std::string>& conditions);

/// A trigger's or its function's name, quoted, in the schema of the change's table when the
/// change names one (schemaName).
STRATA_API std::string in_change_schema(const Change& change, const Dialect& dialect,
                                        const std::string& name);

/// `(SELECT <record>.a AS a, ...) AS strata_row`: the old and new columns of the row a
/// trigger sees, under their own names, so the changelog's expressions can read them.
STRATA_API std::string expand_row_source(const ExpandPlan& plan, const Dialect& dialect,
                                         std::string_view record);

/// `(SELECT <expression> FROM <row source>)`: one column's computed value in a trigger.
STRATA_API std::string expand_computed(const ExpandedColumn& column, const ExpandPlan& plan,
                                       const Dialect& dialect, std::string_view record);

} // namespace strata
