// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "strata/error.hpp"
#include "strata/export.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace strata {

/// Every change type strata knows, with Liquibase's names (see change_catalog.cpp); strata's
/// own change types are named with the "strata:" prefix of their namespace.
/// A switch over ChangeKind without `default:` makes the compiler list every place
/// that must learn about a new change type.
/// The values are part of the plugin ABI (plugins are compiled against them): never
/// renumber, never reuse; a new kind takes the next number at the end
/// (tests/unit/change_kind_test.cpp guards this).
enum class ChangeKind : std::uint16_t {
    AddAutoIncrement = 0,
    AddCheckConstraint = 1,
    AddColumn = 2,
    AddDefaultValue = 3,
    AddForeignKeyConstraint = 4,
    AddLookupTable = 5,
    AddNotNullConstraint = 6,
    AddPrimaryKey = 7,
    AddUniqueConstraint = 8,
    AlterSequence = 9,
    CreateIndex = 10,
    CreateProcedure = 11,
    CreateSequence = 12,
    CreateTable = 13,
    CreateView = 14,
    Delete = 15,
    DropAllForeignKeyConstraints = 16,
    DropCheckConstraint = 17,
    DropColumn = 18,
    DropDefaultValue = 19,
    DropForeignKeyConstraint = 20,
    DropIndex = 21,
    DropNotNullConstraint = 22,
    DropPrimaryKey = 23,
    DropProcedure = 24,
    DropSequence = 25,
    DropTable = 26,
    DropUniqueConstraint = 27,
    DropView = 28,
    Empty = 29,
    ExecuteCommand = 30,
    Insert = 31,
    LoadData = 32,
    LoadUpdateData = 33,
    MergeColumns = 34,
    ModifyDataType = 35,
    Output = 36,
    RenameColumn = 37,
    RenameSequence = 38,
    RenameTable = 39,
    RenameView = 40,
    SetColumnRemarks = 41,
    SetTableRemarks = 42,
    Sql = 43,
    SqlFile = 44,
    Stop = 45,
    TagDatabase = 46,
    Update = 47,
    /// strata:batchUpdate, in strata's own namespace (urn:strata:changelog): an UPDATE run in
    /// keyset-paginated batches, one commit each, resumable (core/src/engine/batch_update.cpp).
    BatchUpdate = 48,
    /// strata:expandColumn: adds new columns beside old ones, keeps both in sync with
    /// triggers in both directions and backfills the new ones in batches
    /// (core/src/engine/expand_contract.cpp, include/strata/expand_contract.hpp).
    ExpandColumn = 49,
    /// strata:contractColumn: removes the sync triggers of an expandColumn and the old columns.
    ContractColumn = 50,
};

/// The XML namespace of strata's own change types (`xmlns:strata="urn:strata:changelog"`);
/// YAML and JSON write them with the "strata:" prefix.
inline constexpr std::string_view kStrataNamespace = "urn:strata:changelog";

/// `strata:online="true|false"` on a change (XML: an attribute in strata's namespace;
/// YAML/JSON: the key): run it online whatever the table's size (PostgreSQL: CONCURRENTLY,
/// NOT VALID then VALIDATE), or never, as Liquibase does. Kept in Change::attributes under
/// this key and left out of the checksum, so the changeset's checksum stays Liquibase's.
inline constexpr std::string_view kOnlineAttribute = "strata:online";

/// Attribute values exactly as written (after ${property} expansion), keyed by
/// Liquibase's attribute name. Booleans are normalised to "true"/"false" by the parser.
using Attributes = std::map<std::string, std::string, std::less<>>;

/// A `<column>` inside createTable, addColumn, createIndex, insert, update, loadData, ...
struct STRATA_API Column {
    Attributes attributes;
    /// `<constraints>` of the column; nullopt when the element is absent.
    std::optional<Attributes> constraints;
    SourceLocation where;

    [[nodiscard]] const std::string* get(std::string_view key) const;
    [[nodiscard]] const std::string* constraint(std::string_view key) const;
    [[nodiscard]] bool constraint_flag(std::string_view key) const;
    [[nodiscard]] std::string name() const;
};

/// One change of a changeset. Its shape (which attributes, whether it has columns or a
/// text body) is described by its ChangeSpec in the catalogue, the one place where each
/// change type is defined.
struct STRATA_API Change {
    ChangeKind kind = ChangeKind::Empty;
    Attributes attributes;
    std::vector<Column> columns;
    /// `<whereParams>` of update and delete: the values (and `name`s) that replace `:value`,
    /// `?` and `:name` in `where`, in order. Not part of the checksum (Liquibase 4.28).
    std::vector<Column> where_params;
    SourceLocation where;
    /// Where a file attribute without relativeToChangelogFile is found: the --search-path
    /// root that holds it, "" for the working directory.
    std::string search_root;

    [[nodiscard]] const std::string* get(std::string_view key) const;
    /// The attribute, or "" when absent.
    [[nodiscard]] std::string value(std::string_view key) const;
    /// A boolean attribute, or `fallback` when absent.
    [[nodiscard]] bool flag(std::string_view key, bool fallback = false) const;
    /// The file an attribute names (sqlFile's path, loadData's file), resolved as Liquibase
    /// resolves it: beside the changelog with relativeToChangelogFile="true", else from the
    /// search-path root that holds it (search_root) or the working directory.
    [[nodiscard]] std::string file_path(std::string_view key) const;
    /// Liquibase's DESCRIPTION fragment, e.g. "createIndex indexName=ix, tableName=t".
    [[nodiscard]] std::string description() const;
    [[nodiscard]] std::string_view type_name() const;
};

enum class AttributeType { String, Boolean, Integer, Number };

struct AttributeSpec {
    std::string_view name;
    AttributeType type = AttributeType::String;
    bool required = false;
};

/// Whether a change type takes `<column>` children.
enum class ColumnUse { None, Optional, Required };

/// The definition of one change type: its Liquibase name and the shape every format
/// parser, the checksum, the writers and the dialects agree on.
struct ChangeSpec {
    ChangeKind kind;
    std::string_view name;
    std::span<const AttributeSpec> attributes;
    ColumnUse columns = ColumnUse::None;
    /// The attribute that holds the element text (`<sql>TEXT</sql>` -> "sql"); empty if none.
    std::string_view text_attribute;
    /// Child elements holding plain text, e.g. `<where>` of update/delete.
    std::span<const std::string_view> text_children;
    /// Attributes Liquibase always serialises with a default value (output's target).
    std::span<const std::pair<std::string_view, std::string_view>> defaults;
};

STRATA_API const ChangeSpec& change_spec(ChangeKind kind);
/// Looks a change type up by its Liquibase name; nullptr when unknown.
STRATA_API const ChangeSpec* find_change_spec(std::string_view name);
STRATA_API std::span<const ChangeSpec> all_change_specs();
/// Attributes a `<column>` may carry, and those of its `<constraints>`.
STRATA_API std::span<const AttributeSpec> column_attribute_specs();
STRATA_API std::span<const AttributeSpec> constraint_attribute_specs();

/// "Did you mean ...?" for an unknown name among candidates; empty when nothing is close.
STRATA_API std::string closest_match(std::string_view unknown,
                                     const std::vector<std::string_view>& candidates);

} // namespace strata
