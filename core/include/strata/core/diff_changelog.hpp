// SPDX-License-Identifier: Apache-2.0
// Turning a schema diff into changesets (`strata diff-changelog`, `strata generate-changelog`):
// the changes that make the target match the reference, in an order that runs. The result
// is the portable change model; the CLI writes it with formats/' writers (core knows no
// changelog format).
#pragma once

#include "strata/changelog.hpp"
#include "strata/core/schema_diff.hpp"
#include "strata/export.hpp"
#include "strata/snapshot.hpp"

#include <string>
#include <vector>

namespace strata::diff {

struct ChangelogOptions {
    /// Each changeset's author; Liquibase writes "<user> (generated)".
    std::string author = "strata (generated)";
    /// Changeset ids are "<id_prefix>-1", "<id_prefix>-2", ...; empty: the current time in
    /// milliseconds since the epoch, as Liquibase does.
    std::string id_prefix;
    /// The first number after the prefix (appending to a changelog continues its count).
    int first_number = 1;
    /// ChangeSet::path of every changeset (the file the changelog will be written to).
    std::string path;
};

/// One changeset per change, in this order, so that every change finds what it needs:
///  1. dropForeignKeyConstraint: unexpected and changed foreign keys, and those of
///     unexpected tables;
///  2. dropView (unexpected views, so tables they read can go);
///  3. dropIndex, dropUniqueConstraint, dropCheckConstraint, dropPrimaryKey (unexpected and
///     changed ones);
///  4. dropColumn, then dropTable, then dropSequence;
///  5. createSequence / alterSequence;
///  6. createTable for missing tables: columns with type, autoIncrement, default,
///     nullable=false and the primary key (primaryKey=true, primaryKeyName);
///  7. addColumn, then modifyDataType (followed by addNotNullConstraint and addDefaultValue,
///     with an empty rollback, for the NOT NULL and default the column keeps: MySQL's MODIFY
///     drops them), addNotNullConstraint / dropNotNullConstraint, addDefaultValue /
///     dropDefaultValue, addAutoIncrement;
///  8. addPrimaryKey, addUniqueConstraint, addCheckConstraint, createIndex (including the
///     keys, checks and indexes of missing tables);
///  9. createView (a view that reads another missing view comes after it); a changed view
///     is createView replaceIfExists="true";
/// 10. addForeignKeyConstraint, last, once every table exists.
///
/// Changes Liquibase can roll back by itself get no rollback; every drop, modifyDataType,
/// dropNotNullConstraint, dropDefaultValue and alterSequence gets one that recreates what
/// the target had (read from the diff's target side). A constraint or index without a name
/// gets Liquibase's generated name (PK_<TABLE>, FK_<TABLE>_<REFTABLE>, UC_<TABLE>_<COLS>,
/// CK_<TABLE>_<N>, IDX_<TABLE>_<COLS>), upper case.
///
/// A foreign key or check the target has without a name (SQLite) cannot be dropped by name:
/// no change is written for it (a changed unnamed foreign key is left as it is), and a line
/// saying so is appended to `notes` when given. An unnamed unique constraint is dropped by
/// its uniqueColumns.
STRATA_API Changelog diff_changelog(const SchemaDiff& diff, const ChangelogOptions& options = {},
                                    std::vector<std::string>* notes = nullptr);

/// The changelog that creates `schema` from nothing: the diff against an empty schema.
STRATA_API Changelog generate_changelog(const snapshot::Schema& schema,
                                        const DiffOptions& diff_options = {},
                                        const ChangelogOptions& options = {});

/// The change attributes for a column's default (defaultValue, defaultValueNumeric,
/// defaultValueBoolean or defaultValueComputed) from the snapshot's SQL expression.
STRATA_API Attributes default_attributes(const snapshot::Column& column);

} // namespace strata::diff
