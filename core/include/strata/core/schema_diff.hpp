// SPDX-License-Identifier: Apache-2.0
// Comparing two schemas (`strata diff`): what the reference has that the target lacks
// (missing), what only the target has (unexpected), and what both have but differently
// (changed). The comparison is by meaning, so schemas of different databases compare:
// names ignore case, types compare by their portable names, and foreign keys, unique
// constraints, indexes and checks are matched by what they cover rather than by their
// (often generated) names. diff_changelog.hpp turns a SchemaDiff into changesets.
#pragma once

#include "strata/export.hpp"
#include "strata/snapshot.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace strata::diff {

/// The kinds of object a diff compares, in the order reports list them (Liquibase's
/// alphabetical order of type names).
enum class ObjectType {
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    PrimaryKey,
    Sequence,
    Table,
    UniqueConstraint,
    View,
};

/// "Check Constraint", "Column", "Foreign Key", ... (the words of the text report).
STRATA_API std::string_view display_name(ObjectType type);
/// "checkconstraints", "columns", "foreignkeys", ... (Liquibase's --diff-types names).
STRATA_API std::string_view diff_type_name(ObjectType type);

/// Liquibase's --diff-types: a comma-separated list, case-insensitive, singular or plural
/// ("tables,columns,indexes,foreignkeys,primarykeys,uniqueconstraints,views,sequences,
/// checkconstraints"). Names Liquibase knows that strata's model has no objects for
/// (catalogs, schemas, data, storedprocedures, triggers, functions, synonyms, ...) are
/// accepted and select nothing (a list of only those is refused: it would compare nothing).
/// Throws Error{Usage} naming an unknown type. An empty list is every type.
STRATA_API std::vector<ObjectType> parse_diff_types(std::string_view list);

/// Liquibase's --include-objects / --exclude-objects: a comma-separated list of filters,
/// each a regular expression matched case-insensitively against a whole object name,
/// optionally limited to one kind with a "type:" prefix ("table:audit_.*", "column:.*_tmp",
/// "index:ix_.*"). An object that belongs to a table (a column, key, index, check) is
/// included when its table is included and excluded when its table is excluded; a table is
/// included when any of its objects is. Throws Error{Usage} on a bad expression or type.
struct ObjectFilter {
    std::string include_objects;
    std::string exclude_objects;
};

struct DiffOptions {
    /// The kinds compared; empty means all.
    std::vector<ObjectType> types;
    ObjectFilter filter;
};

/// Removes from `schema` every object the filter leaves out (used on both sides of a diff).
STRATA_API void filter_schema(snapshot::Schema& schema, const ObjectFilter& filter);

/// One differing property: its name ("type", "nullable", "defaultValue", "autoIncrement",
/// "columns", "referencedTable", "referencedColumns", "onDelete", "onUpdate", "deferrable",
/// "initiallyDeferred", "unique", "where", "definition", "expression", "startValue",
/// "incrementBy", "minValue", "maxValue", "cycle") and its value on each side, as text
/// ("" when the side has none; booleans as "true"/"false"; column lists comma-separated).
struct FieldChange {
    std::string field;
    std::string reference;
    std::string target;
};

/// An object that belongs to a table.
template <typename T> struct TableObject {
    std::string table; ///< the table's name as the schema that has the object spells it
    T object;
};

/// An object both sides have, with its two versions and what differs.
template <typename T> struct Changed {
    std::string table; ///< "" for tables, views and sequences
    T reference;
    T target;
    std::vector<FieldChange> changes;
};

/// The differences between a reference schema and a target schema. The objects of a
/// missing or unexpected table are not listed again under their own kinds: they come and go
/// with the table. Every list is sorted by table, then name.
struct STRATA_API SchemaDiff {
    std::string reference_database, target_database; ///< Schema::database of each side
    std::string reference_version, target_version;
    std::string reference_schema, target_schema;

    /// Comments (remarks) are not compared.
    std::vector<snapshot::Table> missing_tables, unexpected_tables;

    std::vector<TableObject<snapshot::Column>> missing_columns, unexpected_columns;
    std::vector<Changed<snapshot::Column>> changed_columns;

    std::vector<TableObject<snapshot::KeyConstraint>> missing_primary_keys, unexpected_primary_keys;
    std::vector<Changed<snapshot::KeyConstraint>> changed_primary_keys;

    /// Matched by columns and referenced table.
    std::vector<TableObject<snapshot::ForeignKey>> missing_foreign_keys, unexpected_foreign_keys;
    std::vector<Changed<snapshot::ForeignKey>> changed_foreign_keys;

    /// Matched by their set of columns.
    std::vector<TableObject<snapshot::KeyConstraint>> missing_unique_constraints,
        unexpected_unique_constraints;

    /// Matched by expression (whitespace, case and outer parentheses aside), else by name.
    std::vector<TableObject<snapshot::CheckConstraint>> missing_check_constraints,
        unexpected_check_constraints;
    std::vector<Changed<snapshot::CheckConstraint>> changed_check_constraints;

    /// Matched by their columns in order (with direction).
    std::vector<TableObject<snapshot::Index>> missing_indexes, unexpected_indexes;
    std::vector<Changed<snapshot::Index>> changed_indexes;

    std::vector<snapshot::View> missing_views, unexpected_views;
    std::vector<Changed<snapshot::View>> changed_views;

    std::vector<snapshot::Sequence> missing_sequences, unexpected_sequences;
    std::vector<Changed<snapshot::Sequence>> changed_sequences;

    /// True when the two schemas are the same for every compared kind.
    [[nodiscard]] bool empty() const;
};

/// Compares `target` against `reference`: what must change in the target to match.
STRATA_API SchemaDiff diff_schemas(const snapshot::Schema& reference,
                                   const snapshot::Schema& target, const DiffOptions& options = {});

/// Liquibase's `diff` report:
///
///     Diff Results:
///     Reference Database: <reference_label>
///     Comparison Database: <target_label>
///     Compared Schemas: main -> public
///     Product Name: EQUAL                       (or Reference: 'sqlite' / Target: 'postgresql')
///     Product Version: EQUAL
///     Missing Check Constraint(s): NONE
///     Unexpected Check Constraint(s): NONE
///     Changed Check Constraint(s): NONE
///     Missing Column(s):
///          person.email
///     ...
///     Changed Column(s):
///          person.name
///               type changed from 'varchar(20)' to 'varchar(50)'
///
/// One Missing/Unexpected/Changed block per compared kind, kinds in ObjectType order.
/// "changed from '<target>' to '<reference>'": from what the target has to what it should
/// have, as Liquibase writes it.
STRATA_API std::string diff_text(const SchemaDiff& diff, std::string_view reference_label,
                                 std::string_view target_label,
                                 const std::vector<ObjectType>& types = {});

/// The same as JSON (stable; new keys may be added, none renamed or removed):
///
///     {"reference": {"label": ..., "database": ..., "version": ..., "schema": ...},
///      "target": {...same...},
///      "identical": true|false,
///      "missing":    [OBJECT, ...],
///      "unexpected": [OBJECT, ...],
///      "changed":    [{"type": ..., "table": ..., "name": ...,
///                      "changes": [{"field": ..., "reference": ..., "target": ...}]}, ...]}
///
/// OBJECT is {"type": "table"|"column"|"primaryKey"|"foreignKey"|"uniqueConstraint"|
/// "checkConstraint"|"index"|"view"|"sequence", "table": owning table or absent,
/// "name": ..., plus what describes the kind: "columns" (array) for keys and indexes,
/// "referencedTable"/"referencedColumns" for foreign keys, "dataType"/"nullable" for
/// columns, "expression" for checks, "unique" for indexes}. Lists are in report order.
STRATA_API std::string diff_json(const SchemaDiff& diff, std::string_view reference_label,
                                 std::string_view target_label);

/// The comparison key of a name: lower case.
STRATA_API std::string name_key(std::string_view name);
/// A portable type in one spelling for comparison: lower case, no spaces, aliases mapped
/// (integer -> int, bool -> boolean, numeric -> decimal, character varying -> varchar, ...).
STRATA_API std::string type_key(std::string_view type);
/// A default for comparison: outer parentheses dropped, keywords and functions in one case,
/// string literals kept exactly; booleans as TRUE/FALSE when `boolean_column`.
STRATA_API std::string default_key(std::string_view value, bool boolean_column);

} // namespace strata::diff
