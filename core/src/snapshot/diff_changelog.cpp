// SPDX-License-Identifier: Apache-2.0
// A SchemaDiff as changesets (see diff_changelog.hpp for the order and the rollbacks).
#include "strata/core/diff_changelog.hpp"

#include "strata/text.hpp"

#include <algorithm>
#include <chrono>
#include <fmt/format.h>
#include <regex>
#include <set>

namespace strata::diff {
namespace {

using K = ChangeKind;

std::string join(const std::vector<std::string>& items) {
    std::string out;
    for (const std::string& item : items)
        out += (out.empty() ? "" : ", ") + item;
    return out;
}

std::string bool_text(bool value) {
    return value ? "true" : "false";
}

Change make(K kind, Attributes attributes) {
    Change change;
    change.kind = kind;
    change.attributes = std::move(attributes);
    return change;
}

bool is_boolean(const snapshot::Column& column) {
    return type_key(column.type) == "boolean";
}

// A <column> of createTable or addColumn.
Column column_config(const snapshot::Column& source, bool primary_key,
                     const std::string& primary_key_name) {
    Column column;
    column.attributes.emplace("name", source.name);
    column.attributes.emplace("type", source.type.empty() ? source.native_type : source.type);
    if (source.auto_increment)
        column.attributes.emplace("autoIncrement", "true");
    else
        for (auto& [key, value] : default_attributes(source))
            column.attributes.emplace(key, value);
    if (!source.comment.empty())
        column.attributes.emplace("remarks", source.comment);
    Attributes constraints;
    if (primary_key) {
        constraints.emplace("primaryKey", "true");
        if (!primary_key_name.empty())
            constraints.emplace("primaryKeyName", primary_key_name);
    }
    if (!source.nullable || primary_key)
        constraints.emplace("nullable", "false");
    if (!constraints.empty())
        column.constraints = std::move(constraints);
    return column;
}

std::string upper_name(std::string text) {
    for (char& c : text) {
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_')
            c = '_';
    }
    return to_upper(text);
}

class Builder {
public:
    explicit Builder(const ChangelogOptions& options) : options_(options) {
        prefix_ = options.id_prefix;
        if (prefix_.empty())
            prefix_ = std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                                         std::chrono::system_clock::now().time_since_epoch())
                                         .count());
        number_ = options.first_number;
        log_.path = options.path;
    }

    void add(Change change, std::optional<std::vector<Change>> rollback = std::nullopt) {
        ChangeSet changeset;
        changeset.id = fmt::format("{}-{}", prefix_, number_++);
        changeset.author = options_.author;
        changeset.path = options_.path;
        changeset.changes.push_back(std::move(change));
        if (rollback) {
            changeset.rollback.emplace();
            changeset.rollback->changes = std::move(*rollback);
        }
        log_.changesets.push_back(std::move(changeset));
    }

    // A name for an unnamed constraint, unique in this changelog.
    std::string name_or(const std::string& name, std::string generated) {
        if (!name.empty())
            return name;
        generated = upper_name(generated);
        std::string candidate = generated;
        for (int n = 2; used_.contains(candidate); ++n)
            candidate = fmt::format("{}_{}", generated, n);
        used_.insert(candidate);
        return candidate;
    }

    Changelog take() { return std::move(log_); }

private:
    const ChangelogOptions& options_;
    std::string prefix_;
    int number_ = 1;
    std::set<std::string> used_;
    Changelog log_;
};

// --- the changes of each object, and their inverses ----------------------------------------

Change create_table(const snapshot::Table& table) {
    Change change = make(K::CreateTable, {{"tableName", table.name}});
    if (!table.comment.empty())
        change.attributes.emplace("remarks", table.comment);
    for (const snapshot::Column& column : table.columns) {
        bool in_key = table.primary_key &&
                      std::ranges::any_of(table.primary_key->columns, [&](const std::string& c) {
                          return name_key(c) == name_key(column.name);
                      });
        change.columns.push_back(
            column_config(column, in_key, in_key ? table.primary_key->name : std::string()));
    }
    return change;
}

Change add_column(const std::string& table, const snapshot::Column& column) {
    Change change = make(K::AddColumn, {{"tableName", table}});
    change.columns.push_back(column_config(column, false, ""));
    return change;
}

Change drop_column(const std::string& table, const snapshot::Column& column) {
    return make(K::DropColumn, {{"tableName", table}, {"columnName", column.name}});
}

Change add_primary_key(Builder& builder, const std::string& table,
                       const snapshot::KeyConstraint& key) {
    return make(K::AddPrimaryKey, {{"tableName", table},
                                   {"columnNames", join(key.columns)},
                                   {"constraintName", builder.name_or(key.name, "PK_" + table)}});
}

Change drop_primary_key(const std::string& table, const snapshot::KeyConstraint& key) {
    Change change = make(K::DropPrimaryKey, {{"tableName", table}});
    if (!key.name.empty())
        change.attributes.emplace("constraintName", key.name);
    return change;
}

Change add_unique(Builder& builder, const std::string& table, const snapshot::KeyConstraint& key) {
    std::string generated = "UC_" + table;
    for (const std::string& column : key.columns)
        generated += "_" + column;
    return make(K::AddUniqueConstraint, {{"tableName", table},
                                         {"columnNames", join(key.columns)},
                                         {"constraintName", builder.name_or(key.name, generated)}});
}

Change drop_unique(const std::string& table, const snapshot::KeyConstraint& key) {
    Change change = make(K::DropUniqueConstraint, {{"tableName", table}});
    if (!key.name.empty())
        change.attributes.emplace("constraintName", key.name);
    change.attributes.emplace("uniqueColumns", join(key.columns));
    return change;
}

Change add_check(Builder& builder, const std::string& table, const snapshot::CheckConstraint& ck) {
    return make(K::AddCheckConstraint, {{"tableName", table},
                                        {"constraintName", builder.name_or(ck.name, "CK_" + table)},
                                        {"constraintBody", ck.expression}});
}

Change drop_check(const std::string& table, const snapshot::CheckConstraint& ck) {
    return make(K::DropCheckConstraint, {{"tableName", table}, {"constraintName", ck.name}});
}

Change create_index(Builder& builder, const std::string& table, const snapshot::Index& index) {
    std::string generated = "IDX_" + table;
    for (const snapshot::IndexColumn& column : index.columns)
        generated += "_" + column.name;
    Change change = make(K::CreateIndex, {{"tableName", table},
                                          {"indexName", builder.name_or(index.name, generated)}});
    if (index.unique)
        change.attributes.emplace("unique", "true");
    static const std::regex plain_name(R"(^[A-Za-z_][A-Za-z0-9_$]*$)");
    for (const snapshot::IndexColumn& key : index.columns) {
        Column column;
        column.attributes.emplace("name", key.name);
        if (!std::regex_match(key.name, plain_name))
            column.attributes.emplace("computed", "true"); // an expression
        if (key.descending)
            column.attributes.emplace("descending", "true");
        change.columns.push_back(std::move(column));
    }
    return change;
}

Change drop_index(const std::string& table, const snapshot::Index& index) {
    return make(K::DropIndex, {{"tableName", table}, {"indexName", index.name}});
}

Change add_foreign_key(Builder& builder, const std::string& table, const snapshot::ForeignKey& fk) {
    Change change = make(
        K::AddForeignKeyConstraint,
        {{"baseTableName", table},
         {"baseColumnNames", join(fk.columns)},
         {"referencedTableName", fk.referenced_table},
         {"referencedColumnNames", join(fk.referenced_columns)},
         {"constraintName", builder.name_or(fk.name, "FK_" + table + "_" + fk.referenced_table)}});
    if (!fk.on_delete.empty() && to_upper(fk.on_delete) != "NO ACTION")
        change.attributes.emplace("onDelete", to_upper(fk.on_delete));
    if (!fk.on_update.empty() && to_upper(fk.on_update) != "NO ACTION")
        change.attributes.emplace("onUpdate", to_upper(fk.on_update));
    if (fk.deferrable)
        change.attributes.emplace("deferrable", "true");
    if (fk.initially_deferred)
        change.attributes.emplace("initiallyDeferred", "true");
    return change;
}

Change drop_foreign_key(const std::string& table, const snapshot::ForeignKey& fk) {
    return make(K::DropForeignKeyConstraint,
                {{"baseTableName", table}, {"constraintName", fk.name}});
}

Change create_view(const snapshot::View& view, bool replace) {
    Change change =
        make(K::CreateView, {{"viewName", view.name}, {"selectQuery", trim(view.definition)}});
    if (replace)
        change.attributes.emplace("replaceIfExists", "true");
    return change;
}

Change create_sequence(const snapshot::Sequence& sequence) {
    Change change = make(K::CreateSequence, {{"sequenceName", sequence.name}});
    auto put = [&](const char* key, const std::string& value) {
        if (!value.empty())
            change.attributes.emplace(key, value);
    };
    put("startValue", sequence.start_value);
    put("incrementBy", sequence.increment_by);
    put("minValue", sequence.min_value);
    put("maxValue", sequence.max_value);
    if (sequence.cycle)
        change.attributes.emplace("cycle", "true");
    return change;
}

Change alter_sequence(const snapshot::Sequence& sequence) {
    Change change = make(K::AlterSequence, {{"sequenceName", sequence.name}});
    auto put = [&](const char* key, const std::string& value) {
        if (!value.empty())
            change.attributes.emplace(key, value);
    };
    put("incrementBy", sequence.increment_by);
    put("minValue", sequence.min_value);
    put("maxValue", sequence.max_value);
    change.attributes.emplace("cycle", bool_text(sequence.cycle));
    return change;
}

Change add_default(const std::string& table, const snapshot::Column& column) {
    Change change =
        make(K::AddDefaultValue,
             {{"tableName", table}, {"columnName", column.name}, {"columnDataType", column.type}});
    for (auto& [key, value] : default_attributes(column))
        change.attributes.emplace(key, value);
    return change;
}

Change drop_default(const std::string& table, const snapshot::Column& column) {
    return make(
        K::DropDefaultValue,
        {{"tableName", table}, {"columnName", column.name}, {"columnDataType", column.type}});
}

Change not_null(bool add, const std::string& table, const snapshot::Column& column) {
    return make(
        add ? K::AddNotNullConstraint : K::DropNotNullConstraint,
        {{"tableName", table}, {"columnName", column.name}, {"columnDataType", column.type}});
}

Change modify_type(const std::string& table, const snapshot::Column& column) {
    return make(K::ModifyDataType,
                {{"tableName", table}, {"columnName", column.name}, {"newDataType", column.type}});
}

// The order views can be created in: a view after the missing views its definition names.
std::vector<const snapshot::View*> view_order(const std::vector<snapshot::View>& views) {
    std::vector<const snapshot::View*> pending, ordered;
    for (const snapshot::View& view : views)
        pending.push_back(&view);
    auto mentions = [](const snapshot::View& view, const std::string& name) {
        std::regex word(
            "\\b" + std::regex_replace(name, std::regex(R"([.^$|()\[\]{}*+?\\])"), R"(\$&)") +
                "\\b",
            std::regex::icase);
        return std::regex_search(view.definition, word);
    };
    while (!pending.empty()) {
        auto ready = std::ranges::find_if(pending, [&](const snapshot::View* view) {
            return std::ranges::none_of(pending, [&](const snapshot::View* other) {
                return other != view && mentions(*view, other->name);
            });
        });
        if (ready == pending.end())
            ready = pending.begin(); // a cycle of names: keep the listed order
        ordered.push_back(*ready);
        pending.erase(ready);
    }
    return ordered;
}

} // namespace

Attributes default_attributes(const snapshot::Column& column) {
    Attributes out;
    if (!column.default_value)
        return out;
    std::string value = trim(*column.default_value);
    static const std::regex number(R"(^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$)");
    std::string upper = to_upper(value);
    if (value.size() >= 2 && value.front() == '\'' && value.back() == '\'') {
        std::string inner;
        for (std::size_t i = 1; i + 1 < value.size(); ++i) {
            inner += value[i];
            if (value[i] == '\'' && i + 2 < value.size() && value[i + 1] == '\'')
                ++i;
        }
        out.emplace("defaultValue", inner);
    } else if (is_boolean(column) && (value == "1" || value == "0")) {
        out.emplace("defaultValueBoolean", value == "1" ? "true" : "false");
    } else if (upper == "TRUE" || upper == "FALSE") {
        out.emplace("defaultValueBoolean", to_lower(value));
    } else if (std::regex_match(value, number)) {
        out.emplace("defaultValueNumeric", value);
    } else if (upper != "NULL") {
        out.emplace("defaultValueComputed", value);
    }
    return out;
}

Changelog diff_changelog(const SchemaDiff& diff, const ChangelogOptions& options,
                         std::vector<std::string>* notes) {
    Builder builder(options);
    using std::vector;
    auto note = [&](std::string text) {
        if (notes != nullptr)
            notes->push_back(std::move(text));
    };
    // A foreign key or check the target has without a name cannot be dropped by name.
    auto unnamed_fk = [&](const std::string& table, const snapshot::ForeignKey& fk) {
        if (!fk.name.empty())
            return false;
        note(fmt::format("{}: the unnamed foreign key ({}) -> {} ({}) cannot be dropped by name; "
                         "drop it by hand",
                         table, join(fk.columns), fk.referenced_table,
                         join(fk.referenced_columns)));
        return true;
    };
    auto unnamed_check = [&](const std::string& table, const snapshot::CheckConstraint& check) {
        if (!check.name.empty())
            return false;
        note(fmt::format("{}: the unnamed check ({}) cannot be dropped by name; drop it by hand",
                         table, check.expression));
        return true;
    };

    // 1. Foreign keys go first: nothing that follows may trip over one.
    auto drop_fk = [&](const std::string& table, const snapshot::ForeignKey& fk) {
        builder.add(drop_foreign_key(table, fk), vector{add_foreign_key(builder, table, fk)});
    };
    for (const auto& item : diff.unexpected_foreign_keys) {
        if (!unnamed_fk(item.table, item.object))
            drop_fk(item.table, item.object);
    }
    for (const auto& item : diff.changed_foreign_keys) {
        if (!unnamed_fk(item.table, item.target))
            drop_fk(item.table, item.target);
    }
    for (const snapshot::Table& table : diff.unexpected_tables) {
        for (const snapshot::ForeignKey& fk : table.foreign_keys) {
            if (!fk.name.empty()) // an unnamed one goes with its table
                drop_fk(table.name, fk);
        }
    }

    // 2. Views, which may read what is dropped below.
    for (const snapshot::View& view : diff.unexpected_views)
        builder.add(make(K::DropView, {{"viewName", view.name}}), vector{create_view(view, false)});

    // 3. Indexes and constraints.
    for (const auto& item : diff.unexpected_indexes)
        builder.add(drop_index(item.table, item.object),
                    vector{create_index(builder, item.table, item.object)});
    for (const auto& item : diff.changed_indexes)
        builder.add(drop_index(item.table, item.target),
                    vector{create_index(builder, item.table, item.target)});
    for (const auto& item : diff.unexpected_unique_constraints)
        builder.add(drop_unique(item.table, item.object),
                    vector{add_unique(builder, item.table, item.object)});
    for (const auto& item : diff.unexpected_check_constraints) {
        if (!unnamed_check(item.table, item.object))
            builder.add(drop_check(item.table, item.object),
                        vector{add_check(builder, item.table, item.object)});
    }
    for (const auto& item : diff.changed_check_constraints) {
        // (A changed check has a name: unnamed ones are matched by expression only.)
        builder.add(drop_check(item.table, item.target),
                    vector{add_check(builder, item.table, item.target)});
    }
    for (const auto& item : diff.unexpected_primary_keys)
        builder.add(drop_primary_key(item.table, item.object),
                    vector{add_primary_key(builder, item.table, item.object)});
    for (const auto& item : diff.changed_primary_keys)
        builder.add(drop_primary_key(item.table, item.target),
                    vector{add_primary_key(builder, item.table, item.target)});

    // 4. Columns, tables, sequences.
    for (const auto& item : diff.unexpected_columns)
        builder.add(drop_column(item.table, item.object),
                    vector{add_column(item.table, item.object)});
    for (const snapshot::Table& table : diff.unexpected_tables) {
        vector<Change> rollback{create_table(table)};
        for (const snapshot::KeyConstraint& key : table.unique_constraints)
            rollback.push_back(add_unique(builder, table.name, key));
        for (const snapshot::CheckConstraint& check : table.check_constraints)
            rollback.push_back(add_check(builder, table.name, check));
        for (const snapshot::Index& index : table.indexes)
            rollback.push_back(create_index(builder, table.name, index));
        builder.add(make(K::DropTable, {{"tableName", table.name}}), std::move(rollback));
    }
    for (const snapshot::Sequence& sequence : diff.unexpected_sequences)
        builder.add(make(K::DropSequence, {{"sequenceName", sequence.name}}),
                    vector{create_sequence(sequence)});

    // 5. Sequences, before the tables whose defaults may use them.
    for (const snapshot::Sequence& sequence : diff.missing_sequences)
        builder.add(create_sequence(sequence));
    for (const auto& item : diff.changed_sequences)
        builder.add(alter_sequence(item.reference), vector{alter_sequence(item.target)});

    // 6. Tables.
    for (const snapshot::Table& table : diff.missing_tables)
        builder.add(create_table(table));

    // 7. Columns of existing tables.
    for (const auto& item : diff.missing_columns)
        builder.add(add_column(item.table, item.object));
    for (const auto& item : diff.changed_columns) {
        auto changed = [&](std::string_view field) {
            return std::ranges::any_of(item.changes,
                                       [&](const FieldChange& c) { return c.field == field; });
        };
        if (!changed("type"))
            continue;
        builder.add(modify_type(item.table, item.reference),
                    vector{modify_type(item.table, item.target)});
        // MySQL's MODIFY drops what it is not told again: the NOT NULL and the default a
        // change of type keeps are said again (harmless elsewhere). They undo nothing.
        if (!item.reference.nullable && !changed("nullable"))
            builder.add(not_null(true, item.table, item.reference), vector<Change>{});
        if (item.reference.default_value && !item.reference.auto_increment &&
            !changed("defaultValue"))
            builder.add(add_default(item.table, item.reference), vector<Change>{});
    }
    for (const auto& item : diff.changed_columns) {
        auto changed = [&](std::string_view field) {
            return std::ranges::any_of(item.changes,
                                       [&](const FieldChange& c) { return c.field == field; });
        };
        if (changed("nullable"))
            builder.add(not_null(!item.reference.nullable, item.table, item.reference));
        if (changed("defaultValue")) {
            if (item.reference.default_value) {
                std::optional<vector<Change>> rollback;
                if (item.target.default_value)
                    rollback = vector{add_default(item.table, item.target)};
                builder.add(add_default(item.table, item.reference), std::move(rollback));
            } else {
                builder.add(drop_default(item.table, item.target),
                            vector{add_default(item.table, item.target)});
            }
        }
        if (changed("autoIncrement") && item.reference.auto_increment)
            builder.add(make(K::AddAutoIncrement, {{"tableName", item.table},
                                                   {"columnName", item.reference.name},
                                                   {"columnDataType", item.reference.type}}));
    }

    // 8. Keys, checks and indexes, the missing tables' included.
    for (const auto& item : diff.missing_primary_keys)
        builder.add(add_primary_key(builder, item.table, item.object));
    for (const auto& item : diff.changed_primary_keys)
        builder.add(add_primary_key(builder, item.table, item.reference));
    for (const snapshot::Table& table : diff.missing_tables)
        for (const snapshot::KeyConstraint& key : table.unique_constraints)
            builder.add(add_unique(builder, table.name, key));
    for (const auto& item : diff.missing_unique_constraints)
        builder.add(add_unique(builder, item.table, item.object));
    for (const snapshot::Table& table : diff.missing_tables)
        for (const snapshot::CheckConstraint& check : table.check_constraints)
            builder.add(add_check(builder, table.name, check));
    for (const auto& item : diff.missing_check_constraints)
        builder.add(add_check(builder, item.table, item.object));
    for (const auto& item : diff.changed_check_constraints)
        builder.add(add_check(builder, item.table, item.reference));
    for (const snapshot::Table& table : diff.missing_tables)
        for (const snapshot::Index& index : table.indexes)
            builder.add(create_index(builder, table.name, index));
    for (const auto& item : diff.missing_indexes)
        builder.add(create_index(builder, item.table, item.object));
    for (const auto& item : diff.changed_indexes)
        builder.add(create_index(builder, item.table, item.reference));

    // 9. Views, each after the views it reads.
    for (const snapshot::View* view : view_order(diff.missing_views))
        builder.add(create_view(*view, false));
    for (const auto& item : diff.changed_views)
        builder.add(create_view(item.reference, true), vector{create_view(item.target, true)});

    // 10. Foreign keys, once every table they join exists.
    for (const snapshot::Table& table : diff.missing_tables)
        for (const snapshot::ForeignKey& fk : table.foreign_keys)
            builder.add(add_foreign_key(builder, table.name, fk));
    for (const auto& item : diff.missing_foreign_keys)
        builder.add(add_foreign_key(builder, item.table, item.object));
    for (const auto& item : diff.changed_foreign_keys) {
        if (!item.target.name.empty()) // an unnamed one stayed: adding would make two
            builder.add(add_foreign_key(builder, item.table, item.reference));
    }
    return builder.take();
}

Changelog generate_changelog(const snapshot::Schema& schema, const DiffOptions& diff_options,
                             const ChangelogOptions& options) {
    snapshot::Schema empty;
    empty.database = schema.database;
    empty.name = schema.name;
    return diff_changelog(diff_schemas(schema, empty, diff_options), options);
}

} // namespace strata::diff
