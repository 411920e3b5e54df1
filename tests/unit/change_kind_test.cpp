// SPDX-License-Identifier: Apache-2.0
// ChangeKind values are compiled into every plugin: they are fixed and append-only.
#include <algorithm>
#include <gtest/gtest.h>
#include <iterator>
#include <strata/change.hpp>
#include <string_view>
#include <utility>

namespace {

// The numbering as released. Append new kinds here with the next number; never edit a line.
constexpr std::pair<std::string_view, int> kReleased[] = {
    {"AddAutoIncrement", 0},
    {"AddCheckConstraint", 1},
    {"AddColumn", 2},
    {"AddDefaultValue", 3},
    {"AddForeignKeyConstraint", 4},
    {"AddLookupTable", 5},
    {"AddNotNullConstraint", 6},
    {"AddPrimaryKey", 7},
    {"AddUniqueConstraint", 8},
    {"AlterSequence", 9},
    {"CreateIndex", 10},
    {"CreateProcedure", 11},
    {"CreateSequence", 12},
    {"CreateTable", 13},
    {"CreateView", 14},
    {"Delete", 15},
    {"DropAllForeignKeyConstraints", 16},
    {"DropCheckConstraint", 17},
    {"DropColumn", 18},
    {"DropDefaultValue", 19},
    {"DropForeignKeyConstraint", 20},
    {"DropIndex", 21},
    {"DropNotNullConstraint", 22},
    {"DropPrimaryKey", 23},
    {"DropProcedure", 24},
    {"DropSequence", 25},
    {"DropTable", 26},
    {"DropUniqueConstraint", 27},
    {"DropView", 28},
    {"Empty", 29},
    {"ExecuteCommand", 30},
    {"Insert", 31},
    {"LoadData", 32},
    {"LoadUpdateData", 33},
    {"MergeColumns", 34},
    {"ModifyDataType", 35},
    {"Output", 36},
    {"RenameColumn", 37},
    {"RenameSequence", 38},
    {"RenameTable", 39},
    {"RenameView", 40},
    {"SetColumnRemarks", 41},
    {"SetTableRemarks", 42},
    {"Sql", 43},
    {"SqlFile", 44},
    {"Stop", 45},
    {"TagDatabase", 46},
    {"Update", 47},
    {"BatchUpdate", 48},
    {"ExpandColumn", 49},
    {"ContractColumn", 50},
};

// strata's own change types, named in its namespace.
constexpr std::string_view kStrataKinds[] = {"BatchUpdate", "ExpandColumn", "ContractColumn"};

std::string liquibase_name(std::string_view kind) {
    std::string name(kind);
    name[0] = static_cast<char>(name[0] - 'A' + 'a');
    if (std::find(std::begin(kStrataKinds), std::end(kStrataKinds), kind) != std::end(kStrataKinds))
        return "strata:" + name;
    return name;
}

TEST(ChangeKindNumbering, ReleasedValuesNeverChange) {
    for (const auto& [kind, value] : kReleased) {
        if (kind == "Empty") {
            EXPECT_EQ(static_cast<int>(strata::ChangeKind::Empty), value);
            continue;
        }
        const strata::ChangeSpec* spec = strata::find_change_spec(liquibase_name(kind));
        ASSERT_NE(spec, nullptr) << kind;
        EXPECT_EQ(static_cast<int>(spec->kind), value) << kind << " was renumbered";
    }
}

TEST(ChangeKindNumbering, EveryKindIsReleased) {
    // A kind added to the enum but not to the list above fails here, which is the moment to
    // give it the next number.
    for (const strata::ChangeSpec& spec : strata::all_change_specs()) {
        int value = static_cast<int>(spec.kind);
        ASSERT_LT(value, static_cast<int>(std::size(kReleased))) << spec.name;
        EXPECT_EQ(liquibase_name(kReleased[value].first), spec.name);
    }
}

} // namespace
