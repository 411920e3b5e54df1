// SPDX-License-Identifier: Apache-2.0
// The catalogue of change types: the one place where each change type's attributes are
// listed. Parsers validate against it, the checksum and the writers walk it.

#include "strata/change.hpp"

#include <algorithm>
#include <array>

namespace strata {
namespace {

using enum AttributeType;
using A = AttributeSpec;

// Attributes shared by almost every change that addresses a table.
#define STRATA_TABLE_SCOPE                                                                         \
    A{"catalogName"}, A {                                                                          \
        "schemaName"                                                                               \
    }

constexpr A kAddAutoIncrement[] = {
    STRATA_TABLE_SCOPE,          A{"tableName", String, true}, A{"columnName", String, true},
    A{"columnDataType"},         A{"startWith", Integer},      A{"incrementBy", Integer},
    A{"defaultOnNull", Boolean}, A{"generationType"}};
constexpr A kAddCheckConstraint[] = {STRATA_TABLE_SCOPE,
                                     A{"tableName", String, true},
                                     A{"constraintName", String, true},
                                     A{"constraintBody", String, true},
                                     A{"disabled", Boolean},
                                     A{"validate", Boolean}};
constexpr A kAddColumn[] = {STRATA_TABLE_SCOPE, A{"tableName", String, true}};
constexpr A kAddDefaultValue[] = {STRATA_TABLE_SCOPE,
                                  A{"tableName", String, true},
                                  A{"columnName", String, true},
                                  A{"columnDataType"},
                                  A{"defaultValue"},
                                  A{"defaultValueNumeric", Number},
                                  A{"defaultValueBoolean", Boolean},
                                  A{"defaultValueDate"},
                                  A{"defaultValueComputed"},
                                  A{"defaultValueSequenceNext"},
                                  A{"defaultValueConstraintName"}};
constexpr A kAddForeignKeyConstraint[] = {A{"baseTableCatalogName"},
                                          A{"baseTableSchemaName"},
                                          A{"baseTableName", String, true},
                                          A{"baseColumnNames", String, true},
                                          A{"referencedTableCatalogName"},
                                          A{"referencedTableSchemaName"},
                                          A{"referencedTableName", String, true},
                                          A{"referencedColumnNames", String, true},
                                          A{"constraintName", String, true},
                                          A{"deferrable", Boolean},
                                          A{"initiallyDeferred", Boolean},
                                          A{"onDelete"},
                                          A{"onUpdate"},
                                          A{"deleteCascade", Boolean},
                                          A{"validate", Boolean}};
constexpr A kAddLookupTable[] = {A{"existingTableCatalogName"},
                                 A{"existingTableSchemaName"},
                                 A{"existingTableName", String, true},
                                 A{"existingColumnName", String, true},
                                 A{"newTableCatalogName"},
                                 A{"newTableSchemaName"},
                                 A{"newTableName", String, true},
                                 A{"newColumnName", String, true},
                                 A{"newColumnDataType"},
                                 A{"constraintName"}};
constexpr A kAddNotNullConstraint[] = {
    STRATA_TABLE_SCOPE,    A{"tableName", String, true}, A{"columnName", String, true},
    A{"columnDataType"},   A{"defaultNullValue"},        A{"constraintName"},
    A{"validate", Boolean}};
constexpr A kAddPrimaryKey[] = {STRATA_TABLE_SCOPE,
                                A{"tableName", String, true},
                                A{"columnNames", String, true},
                                A{"constraintName"},
                                A{"tablespace"},
                                A{"clustered", Boolean},
                                A{"forIndexCatalogName"},
                                A{"forIndexSchemaName"},
                                A{"forIndexName"},
                                A{"validate", Boolean}};
constexpr A kAddUniqueConstraint[] = {STRATA_TABLE_SCOPE,
                                      A{"tableName", String, true},
                                      A{"columnNames", String, true},
                                      A{"constraintName"},
                                      A{"tablespace"},
                                      A{"deferrable", Boolean},
                                      A{"initiallyDeferred", Boolean},
                                      A{"disabled", Boolean},
                                      A{"clustered", Boolean},
                                      A{"forIndexCatalogName"},
                                      A{"forIndexSchemaName"},
                                      A{"forIndexName"},
                                      A{"validate", Boolean}};
constexpr A kSequenceOptions[] = {STRATA_TABLE_SCOPE,
                                  A{"sequenceName", String, true},
                                  A{"incrementBy", Integer},
                                  A{"minValue", Integer},
                                  A{"maxValue", Integer},
                                  A{"ordered", Boolean},
                                  A{"cacheSize", Integer},
                                  A{"cycle", Boolean},
                                  A{"dataType"}};
constexpr A kCreateSequence[] = {STRATA_TABLE_SCOPE,       A{"sequenceName", String, true},
                                 A{"startValue", Integer}, A{"incrementBy", Integer},
                                 A{"minValue", Integer},   A{"maxValue", Integer},
                                 A{"ordered", Boolean},    A{"cacheSize", Integer},
                                 A{"cycle", Boolean},      A{"dataType"}};
constexpr A kCreateIndex[] = {
    STRATA_TABLE_SCOPE, A{"tableName", String, true}, A{"indexName"},     A{"unique", Boolean},
    A{"tablespace"},    A{"clustered", Boolean},      A{"associatedWith"}};
constexpr A kCreateProcedure[] = {STRATA_TABLE_SCOPE,
                                  A{"procedureName"},
                                  A{"procedureText"},
                                  A{"path"},
                                  A{"relativeToChangelogFile", Boolean},
                                  A{"encoding"},
                                  A{"dbms"},
                                  A{"comments"},
                                  A{"replaceIfExists", Boolean}};
constexpr A kCreateTable[] = {
    STRATA_TABLE_SCOPE,        A{"tableName", String, true},  A{"tablespace"}, A{"remarks"},
    A{"ifNotExists", Boolean}, A{"rowDependencies", Boolean}, A{"tableType"}};
constexpr A kCreateView[] = {STRATA_TABLE_SCOPE,
                             A{"viewName", String, true},
                             A{"selectQuery", String, true},
                             A{"replaceIfExists", Boolean},
                             A{"fullDefinition", Boolean},
                             A{"path"},
                             A{"relativeToChangelogFile", Boolean},
                             A{"encoding"},
                             A{"remarks"}};
constexpr A kDelete[] = {STRATA_TABLE_SCOPE, A{"tableName", String, true}, A{"where"}};
constexpr A kDropAllForeignKeyConstraints[] = {A{"baseTableCatalogName"}, A{"baseTableSchemaName"},
                                               A{"baseTableName", String, true}};
constexpr A kDropCheckConstraint[] = {STRATA_TABLE_SCOPE, A{"tableName", String, true},
                                      A{"constraintName", String, true}};
constexpr A kDropColumn[] = {STRATA_TABLE_SCOPE, A{"tableName", String, true}, A{"columnName"}};
constexpr A kDropDefaultValue[] = {STRATA_TABLE_SCOPE, A{"tableName", String, true},
                                   A{"columnName", String, true}, A{"columnDataType"}};
constexpr A kDropForeignKeyConstraint[] = {A{"baseTableCatalogName"}, A{"baseTableSchemaName"},
                                           A{"baseTableName", String, true},
                                           A{"constraintName", String, true}};
constexpr A kDropIndex[] = {STRATA_TABLE_SCOPE, A{"tableName"}, A{"indexName", String, true},
                            A{"associatedWith"}};
constexpr A kDropNotNullConstraint[] = {STRATA_TABLE_SCOPE, A{"tableName", String, true},
                                        A{"columnName", String, true}, A{"columnDataType"},
                                        A{"constraintName"}};
constexpr A kDropPrimaryKey[] = {STRATA_TABLE_SCOPE, A{"tableName", String, true},
                                 A{"constraintName"}, A{"dropIndex", Boolean}};
constexpr A kDropProcedure[] = {STRATA_TABLE_SCOPE, A{"procedureName", String, true}};
constexpr A kDropSequence[] = {STRATA_TABLE_SCOPE, A{"sequenceName", String, true}};
constexpr A kDropTable[] = {STRATA_TABLE_SCOPE, A{"tableName", String, true},
                            A{"cascadeConstraints", Boolean}};
constexpr A kDropUniqueConstraint[] = {STRATA_TABLE_SCOPE, A{"tableName", String, true},
                                       A{"constraintName"}, A{"uniqueColumns"}};
constexpr A kDropView[] = {STRATA_TABLE_SCOPE, A{"viewName", String, true}, A{"ifExists", Boolean}};
constexpr A kExecuteCommand[] = {A{"executable", String, true}, A{"os"}, A{"timeout"}};
constexpr A kInsert[] = {STRATA_TABLE_SCOPE, A{"tableName", String, true}, A{"dbms"}};
constexpr A kLoadData[] = {STRATA_TABLE_SCOPE,
                           A{"tableName", String, true},
                           A{"file", String, true},
                           A{"relativeToChangelogFile", Boolean},
                           A{"encoding"},
                           A{"separator"},
                           A{"quotchar"},
                           A{"commentLineStartsWith"},
                           A{"usePreparedStatements", Boolean},
                           A{"primaryKey"},
                           A{"onlyUpdate", Boolean}};
constexpr A kMergeColumns[] = {STRATA_TABLE_SCOPE,
                               A{"tableName", String, true},
                               A{"column1Name", String, true},
                               A{"column2Name", String, true},
                               A{"finalColumnName", String, true},
                               A{"finalColumnType", String, true},
                               A{"joinString"}};
constexpr A kModifyDataType[] = {STRATA_TABLE_SCOPE, A{"tableName", String, true},
                                 A{"columnName", String, true}, A{"newDataType", String, true}};
constexpr A kOutput[] = {A{"message"}, A{"target"}};
constexpr A kRenameColumn[] = {STRATA_TABLE_SCOPE,
                               A{"tableName", String, true},
                               A{"oldColumnName", String, true},
                               A{"newColumnName", String, true},
                               A{"columnDataType"},
                               A{"remarks"}};
constexpr A kRenameSequence[] = {STRATA_TABLE_SCOPE, A{"oldSequenceName", String, true},
                                 A{"newSequenceName", String, true}};
constexpr A kRenameTable[] = {STRATA_TABLE_SCOPE, A{"oldTableName", String, true},
                              A{"newTableName", String, true}};
constexpr A kRenameView[] = {STRATA_TABLE_SCOPE, A{"oldViewName", String, true},
                             A{"newViewName", String, true}};
constexpr A kSetColumnRemarks[] = {
    STRATA_TABLE_SCOPE, A{"tableName", String, true}, A{"columnName", String, true},
    A{"remarks"},       A{"columnDataType"},          A{"columnParentType"}};
constexpr A kSetTableRemarks[] = {STRATA_TABLE_SCOPE, A{"tableName", String, true}, A{"remarks"}};
constexpr A kSql[] = {A{"sql", String, true},      A{"dbms"},         A{"splitStatements", Boolean},
                      A{"stripComments", Boolean}, A{"endDelimiter"}, A{"comment"}};
constexpr A kSqlFile[] = {A{"path", String, true},
                          A{"relativeToChangelogFile", Boolean},
                          A{"encoding"},
                          A{"dbms"},
                          A{"splitStatements", Boolean},
                          A{"stripComments", Boolean},
                          A{"endDelimiter"}};
constexpr A kStop[] = {A{"message"}};
constexpr A kTagDatabase[] = {A{"tag", String, true}};
constexpr A kUpdate[] = {STRATA_TABLE_SCOPE, A{"tableName", String, true}, A{"where"}};
// strata's own: `set` and `where` are SQL as written; `where` selects the rows still to
// migrate, which makes a resumed or repeated run idempotent.
constexpr A kBatchUpdate[] = {STRATA_TABLE_SCOPE,
                              A{"tableName", String, true},
                              A{"set", String, true},
                              A{"where", String, true},
                              A{"keyColumns", String, true},
                              A{"batchSize", Integer},
                              A{"pauseMs", Integer},
                              A{"validateSql"}};
// strata's own expand/contract: the columns of an expandColumn are `<column>`s, those with
// a type added, those without one the existing (old) columns; each one's valueComputed is
// the SQL that computes it from the other side.
constexpr A kExpandColumn[] = {STRATA_TABLE_SCOPE, A{"tableName", String, true},
                               A{"keyColumns", String, true}, A{"batchSize", Integer},
                               A{"pauseMs", Integer}};
constexpr A kContractColumn[] = {STRATA_TABLE_SCOPE, A{"tableName", String, true},
                                 A{"dropColumns", String, true}, A{"keepColumns", String, true}};
constexpr A kNone[] = {A{"__none__"}};

#undef STRATA_TABLE_SCOPE

constexpr std::string_view kWhere[] = {"where"};
constexpr std::string_view kComment[] = {"comment"};
constexpr std::pair<std::string_view, std::string_view> kOutputDefaults[] = {{"target", "STDERR"}};

constexpr ColumnUse kNoColumns = ColumnUse::None;
constexpr ColumnUse kOptionalColumns = ColumnUse::Optional;
constexpr ColumnUse kRequiredColumns = ColumnUse::Required;

std::span<const A> none() {
    return std::span<const A>(kNone, 0);
}

constexpr ChangeSpec
make_spec(ChangeKind kind, std::string_view name, std::span<const A> attributes,
          ColumnUse columns = ColumnUse::None, std::string_view text_attribute = {},
          std::span<const std::string_view> text_children = {},
          std::span<const std::pair<std::string_view, std::string_view>> defaults = {}) {
    ChangeSpec spec{kind, name, attributes, columns, text_attribute, text_children, defaults};
    return spec;
}

// Sorted by name so lookups can binary-search; the order is checked at start-up.
const std::array kSpecs = {
    make_spec(ChangeKind::AddAutoIncrement, "addAutoIncrement", kAddAutoIncrement),
    make_spec(ChangeKind::AddCheckConstraint, "addCheckConstraint", kAddCheckConstraint),
    make_spec(ChangeKind::AddColumn, "addColumn", kAddColumn, kRequiredColumns),
    make_spec(ChangeKind::AddDefaultValue, "addDefaultValue", kAddDefaultValue),
    make_spec(ChangeKind::AddForeignKeyConstraint, "addForeignKeyConstraint",
              kAddForeignKeyConstraint),
    make_spec(ChangeKind::AddLookupTable, "addLookupTable", kAddLookupTable),
    make_spec(ChangeKind::AddNotNullConstraint, "addNotNullConstraint", kAddNotNullConstraint),
    make_spec(ChangeKind::AddPrimaryKey, "addPrimaryKey", kAddPrimaryKey),
    make_spec(ChangeKind::AddUniqueConstraint, "addUniqueConstraint", kAddUniqueConstraint),
    make_spec(ChangeKind::AlterSequence, "alterSequence", kSequenceOptions),
    make_spec(ChangeKind::CreateIndex, "createIndex", kCreateIndex, kRequiredColumns),
    make_spec(ChangeKind::CreateProcedure, "createProcedure", kCreateProcedure, kNoColumns,
              "procedureText"),
    make_spec(ChangeKind::CreateSequence, "createSequence", kCreateSequence),
    make_spec(ChangeKind::CreateTable, "createTable", kCreateTable, kRequiredColumns),
    make_spec(ChangeKind::CreateView, "createView", kCreateView, kNoColumns, "selectQuery"),
    make_spec(ChangeKind::Delete, "delete", kDelete, kNoColumns, "", kWhere),
    make_spec(ChangeKind::DropAllForeignKeyConstraints, "dropAllForeignKeyConstraints",
              kDropAllForeignKeyConstraints),
    make_spec(ChangeKind::DropCheckConstraint, "dropCheckConstraint", kDropCheckConstraint),
    make_spec(ChangeKind::DropColumn, "dropColumn", kDropColumn, kOptionalColumns),
    make_spec(ChangeKind::DropDefaultValue, "dropDefaultValue", kDropDefaultValue),
    make_spec(ChangeKind::DropForeignKeyConstraint, "dropForeignKeyConstraint",
              kDropForeignKeyConstraint),
    make_spec(ChangeKind::DropIndex, "dropIndex", kDropIndex),
    make_spec(ChangeKind::DropNotNullConstraint, "dropNotNullConstraint", kDropNotNullConstraint),
    make_spec(ChangeKind::DropPrimaryKey, "dropPrimaryKey", kDropPrimaryKey),
    make_spec(ChangeKind::DropProcedure, "dropProcedure", kDropProcedure),
    make_spec(ChangeKind::DropSequence, "dropSequence", kDropSequence),
    make_spec(ChangeKind::DropTable, "dropTable", kDropTable),
    make_spec(ChangeKind::DropUniqueConstraint, "dropUniqueConstraint", kDropUniqueConstraint),
    make_spec(ChangeKind::DropView, "dropView", kDropView),
    make_spec(ChangeKind::Empty, "empty", none()),
    make_spec(ChangeKind::ExecuteCommand, "executeCommand", kExecuteCommand, kOptionalColumns),
    make_spec(ChangeKind::Insert, "insert", kInsert, kRequiredColumns),
    make_spec(ChangeKind::LoadData, "loadData", kLoadData, kOptionalColumns),
    make_spec(ChangeKind::LoadUpdateData, "loadUpdateData", kLoadData, kOptionalColumns),
    make_spec(ChangeKind::MergeColumns, "mergeColumns", kMergeColumns),
    make_spec(ChangeKind::ModifyDataType, "modifyDataType", kModifyDataType),
    make_spec(ChangeKind::Output, "output", kOutput, kNoColumns, "message", {}, kOutputDefaults),
    make_spec(ChangeKind::RenameColumn, "renameColumn", kRenameColumn),
    make_spec(ChangeKind::RenameSequence, "renameSequence", kRenameSequence),
    make_spec(ChangeKind::RenameTable, "renameTable", kRenameTable),
    make_spec(ChangeKind::RenameView, "renameView", kRenameView),
    make_spec(ChangeKind::SetColumnRemarks, "setColumnRemarks", kSetColumnRemarks),
    make_spec(ChangeKind::SetTableRemarks, "setTableRemarks", kSetTableRemarks),
    make_spec(ChangeKind::Sql, "sql", kSql, kNoColumns, "sql", kComment),
    make_spec(ChangeKind::SqlFile, "sqlFile", kSqlFile),
    make_spec(ChangeKind::Stop, "stop", kStop, kNoColumns, "message"),
    make_spec(ChangeKind::BatchUpdate, "strata:batchUpdate", kBatchUpdate),
    make_spec(ChangeKind::ContractColumn, "strata:contractColumn", kContractColumn),
    make_spec(ChangeKind::ExpandColumn, "strata:expandColumn", kExpandColumn, kRequiredColumns),
    make_spec(ChangeKind::TagDatabase, "tagDatabase", kTagDatabase),
    make_spec(ChangeKind::Update, "update", kUpdate, kOptionalColumns, "", kWhere),
};

constexpr A kColumnAttributes[] = {
    A{"name", String, true},
    A{"computed", Boolean},
    A{"type"},
    A{"value"},
    A{"valueNumeric", Number},
    A{"valueBoolean", Boolean},
    A{"valueDate"},
    A{"valueComputed"},
    A{"valueSequenceNext"},
    A{"valueSequenceCurrent"},
    A{"valueBlobFile"},
    A{"valueClobFile"},
    A{"defaultValue"},
    A{"defaultValueNumeric", Number},
    A{"defaultValueBoolean", Boolean},
    A{"defaultValueDate"},
    A{"defaultValueComputed"},
    A{"defaultValueSequenceNext"},
    A{"defaultValueConstraintName"},
    A{"defaultOnNull", Boolean},
    A{"autoIncrement", Boolean},
    A{"startWith", Integer},
    A{"incrementBy", Integer},
    A{"generationType"},
    A{"remarks"},
    A{"descending", Boolean},
    A{"encoding"},
    A{"position", Integer},
    A{"afterColumn"},
    A{"beforeColumn"},
    A{"header"},
    A{"index", Integer},
    A{"nullPlaceholder"},
};

constexpr A kConstraintAttributes[] = {
    A{"nullable", Boolean},
    A{"notNullConstraintName"},
    A{"primaryKey", Boolean},
    A{"primaryKeyName"},
    A{"primaryKeyTablespace"},
    A{"unique", Boolean},
    A{"uniqueConstraintName"},
    A{"references"},
    A{"referencedTableCatalogName"},
    A{"referencedTableSchemaName"},
    A{"referencedTableName"},
    A{"referencedColumnNames"},
    A{"foreignKeyName"},
    A{"deleteCascade", Boolean},
    A{"deferrable", Boolean},
    A{"initiallyDeferred", Boolean},
    A{"checkConstraint"},
    A{"validateNullable", Boolean},
    A{"validateUnique", Boolean},
    A{"validatePrimaryKey", Boolean},
    A{"validateForeignKey", Boolean},
};

bool specs_sorted() {
    return std::is_sorted(kSpecs.begin(), kSpecs.end(),
                          [](const ChangeSpec& a, const ChangeSpec& b) { return a.name < b.name; });
}

} // namespace

const ChangeSpec& change_spec(ChangeKind kind) {
    for (const ChangeSpec& spec : kSpecs) {
        if (spec.kind == kind)
            return spec;
    }
    throw Error(ErrorKind::Internal, "internal error: change kind missing from the catalogue");
}

const ChangeSpec* find_change_spec(std::string_view name) {
    static const bool sorted = specs_sorted();
    STRATA_ASSERT(sorted, "the change catalogue must be sorted by name");
    auto it =
        std::lower_bound(kSpecs.begin(), kSpecs.end(), name,
                         [](const ChangeSpec& spec, std::string_view n) { return spec.name < n; });
    return it != kSpecs.end() && it->name == name ? &*it : nullptr;
}

std::span<const ChangeSpec> all_change_specs() {
    return kSpecs;
}
std::span<const AttributeSpec> column_attribute_specs() {
    return kColumnAttributes;
}
std::span<const AttributeSpec> constraint_attribute_specs() {
    return kConstraintAttributes;
}

} // namespace strata
