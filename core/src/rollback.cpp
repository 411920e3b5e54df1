// SPDX-License-Identifier: Apache-2.0
#include "strata/core/rollback.hpp"

#include "strata/expand_contract.hpp"
#include "strata/text.hpp"

#include <fmt/format.h>

namespace strata {
namespace {

Change make(ChangeKind kind, const Change& origin,
            std::initializer_list<std::pair<const char*, std::string_view>> keys) {
    Change change;
    change.kind = kind;
    change.where = origin.where;
    for (const auto& [to, from] : keys) {
        if (const std::string* value = origin.get(from))
            change.attributes.emplace(to, *value);
    }
    for (const char* scope : {"catalogName", "schemaName"}) {
        if (const std::string* value = origin.get(scope))
            change.attributes.emplace(scope, *value);
    }
    return change;
}

} // namespace

std::optional<std::vector<Change>> inverse_of(const Change& change) {
    using K = ChangeKind;
    switch (change.kind) {
    case K::CreateTable:
        return std::vector{make(K::DropTable, change, {{"tableName", "tableName"}})};
    case K::AddColumn: {
        Change drop = make(K::DropColumn, change, {{"tableName", "tableName"}});
        for (const Column& column : change.columns) {
            Column dropped;
            dropped.attributes.emplace("name", column.name());
            drop.columns.push_back(dropped);
        }
        return std::vector{drop};
    }
    case K::CreateIndex:
        return std::vector{
            make(K::DropIndex, change, {{"tableName", "tableName"}, {"indexName", "indexName"}})};
    case K::CreateView:
        return std::vector{make(K::DropView, change, {{"viewName", "viewName"}})};
    case K::RenameTable:
        return std::vector{
            make(K::RenameTable, change,
                 {{"oldTableName", "newTableName"}, {"newTableName", "oldTableName"}})};
    case K::RenameColumn:
        return std::vector{make(K::RenameColumn, change,
                                {{"tableName", "tableName"},
                                 {"oldColumnName", "newColumnName"},
                                 {"newColumnName", "oldColumnName"},
                                 {"columnDataType", "columnDataType"}})};
    case K::RenameView:
        return std::vector{make(K::RenameView, change,
                                {{"oldViewName", "newViewName"}, {"newViewName", "oldViewName"}})};
    case K::RenameSequence:
        return std::vector{
            make(K::RenameSequence, change,
                 {{"oldSequenceName", "newSequenceName"}, {"newSequenceName", "oldSequenceName"}})};
    case K::AddForeignKeyConstraint:
        return std::vector{
            make(K::DropForeignKeyConstraint, change,
                 {{"baseTableName", "baseTableName"}, {"constraintName", "constraintName"}})};
    case K::AddPrimaryKey:
        return std::vector{
            make(K::DropPrimaryKey, change,
                 {{"tableName", "tableName"}, {"constraintName", "constraintName"}})};
    case K::AddUniqueConstraint:
        return std::vector{
            make(K::DropUniqueConstraint, change,
                 {{"tableName", "tableName"}, {"constraintName", "constraintName"}})};
    case K::AddCheckConstraint:
        return std::vector{
            make(K::DropCheckConstraint, change,
                 {{"tableName", "tableName"}, {"constraintName", "constraintName"}})};
    case K::AddNotNullConstraint:
        return std::vector{make(K::DropNotNullConstraint, change,
                                {{"tableName", "tableName"},
                                 {"columnName", "columnName"},
                                 {"columnDataType", "columnDataType"}})};
    case K::DropNotNullConstraint:
        return std::vector{make(K::AddNotNullConstraint, change,
                                {{"tableName", "tableName"},
                                 {"columnName", "columnName"},
                                 {"columnDataType", "columnDataType"}})};
    case K::AddDefaultValue:
        return std::vector{make(K::DropDefaultValue, change,
                                {{"tableName", "tableName"},
                                 {"columnName", "columnName"},
                                 {"columnDataType", "columnDataType"}})};
    case K::CreateSequence:
        return std::vector{make(K::DropSequence, change, {{"sequenceName", "sequenceName"}})};
    case K::AddLookupTable: {
        Change drop_fk =
            make(K::DropForeignKeyConstraint, change,
                 {{"baseTableName", "existingTableName"}, {"constraintName", "constraintName"}});
        // Without constraintName the forward change named the key as Liquibase does
        // (AddLookupTableChange.getFinalConstraintName), and so does its inverse.
        if (drop_fk.value("constraintName").empty())
            drop_fk.attributes.insert_or_assign("constraintName",
                                                to_upper("FK_" + change.value("existingTableName") +
                                                         "_" + change.value("newTableName")));
        return std::vector{drop_fk, make(K::DropTable, change, {{"tableName", "newTableName"}})};
    }
    case K::ExpandColumn: {
        // Undoing an expand is a contract the other way round: the triggers go, and the new
        // columns with them; the old columns were kept in sync all along.
        ExpandPlan plan = expand_plan(change);
        Change undo = make(K::ContractColumn, change, {{"tableName", "tableName"}});
        std::vector<std::string> added, kept;
        for (const ExpandedColumn& column : plan.new_columns)
            added.push_back(column.name);
        for (const ExpandedColumn& column : plan.old_columns)
            kept.push_back(column.name);
        undo.attributes.emplace("dropColumns", fmt::format("{}", fmt::join(added, ", ")));
        undo.attributes.emplace("keepColumns", fmt::format("{}", fmt::join(kept, ", ")));
        return std::vector{undo};
    }
    case K::TagDatabase:
    case K::Empty:
    case K::Output:
        return std::vector<Change>{};
    case K::AddAutoIncrement:
    case K::AlterSequence:
    case K::CreateProcedure:
    case K::Delete:
    case K::DropAllForeignKeyConstraints:
    case K::DropCheckConstraint:
    case K::DropColumn:
    case K::DropDefaultValue:
    case K::DropForeignKeyConstraint:
    case K::DropIndex:
    case K::DropPrimaryKey:
    case K::DropProcedure:
    case K::DropSequence:
    case K::DropTable:
    case K::DropUniqueConstraint:
    case K::DropView:
    case K::ExecuteCommand:
    case K::Insert:
    case K::LoadData:
    case K::LoadUpdateData:
    case K::MergeColumns:
    case K::ModifyDataType:
    case K::SetColumnRemarks:
    case K::SetTableRemarks:
    case K::Sql:
    case K::SqlFile:
    case K::Stop:
    case K::Update:
    case K::BatchUpdate:
    case K::ContractColumn:
        break;
    }
    return std::nullopt;
}

} // namespace strata
