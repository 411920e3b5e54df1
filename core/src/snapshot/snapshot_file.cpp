// SPDX-License-Identifier: Apache-2.0
// Snapshot files in Liquibase's --snapshot-format=json structure: one list per object type
// under snapshot.objects, each object under its type's short name, references between
// objects written "liquibase.structure.core.Table#<snapshotId>", and Java-typed values
// written "1!{java.lang.Integer}". A snapshot Liquibase wrote therefore reads back here, and
// strata's own files carry two extra keys Liquibase ignores: a column's portable type
// ("strataType") and a partial index's predicate ("where"). Check constraints, which
// Liquibase's open-source snapshot does not read, are listed under "strata.CheckConstraint".
#include "strata/core/schema_source.hpp"
#include "strata/error.hpp"
#include "strata/text.hpp"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <yaml-cpp/yaml.h>

namespace strata {

namespace {

using nlohmann::json;
using snapshot::CheckConstraint;
using snapshot::Column;
using snapshot::ForeignKey;
using snapshot::Index;
using snapshot::IndexColumn;
using snapshot::KeyConstraint;
using snapshot::Schema;
using snapshot::Sequence;
using snapshot::Table;
using snapshot::View;

constexpr std::string_view kStructure = "liquibase.structure.core.";
constexpr std::string_view kCheckType = "strata.CheckConstraint";

/// "1!{java.lang.Integer}": how Liquibase writes a value that is not a string.
std::string typed(std::string_view value, std::string_view java_class) {
    return fmt::format("{}!{{{}}}", value, java_class);
}

/// The value without its "!{class}" suffix, and the class ("" for a plain string).
std::pair<std::string, std::string> untyped(const std::string& text) {
    auto bang = text.rfind("!{");
    if (bang == std::string::npos || !text.ends_with('}'))
        return {text, ""};
    return {text.substr(0, bang), text.substr(bang + 2, text.size() - bang - 3)};
}

bool is_number(std::string_view text) {
    if (text.empty())
        return false;
    std::size_t i = text[0] == '-' ? 1 : 0;
    bool digit = false, dot = false;
    for (; i < text.size(); ++i) {
        if (std::isdigit(static_cast<unsigned char>(text[i])))
            digit = true;
        else if (text[i] == '.' && !dot)
            dot = true;
        else
            return false;
    }
    return digit;
}

/// A SQL string literal's text, or nullopt when `sql` is no single string literal.
std::optional<std::string> string_literal(std::string_view sql) {
    if (sql.size() < 2 || sql.front() != '\'' || sql.back() != '\'')
        return std::nullopt;
    std::string text;
    for (std::size_t i = 1; i + 1 < sql.size(); ++i) {
        if (sql[i] == '\'') {
            if (i + 2 < sql.size() && sql[i + 1] == '\'')
                ++i;
            else
                return std::nullopt;
        }
        text += sql[i];
    }
    return text;
}

std::string sql_string(std::string_view text) {
    std::string out = "'";
    for (char c : text) {
        out += c;
        if (c == '\'')
            out += '\'';
    }
    return out + "'";
}

/// A default as Liquibase writes it: strings plain, numbers and booleans typed, anything
/// else a database function.
std::string default_for_file(const std::string& sql) {
    if (auto text = string_literal(sql))
        return *text;
    if (is_number(sql))
        return typed(sql, sql.find('.') == std::string::npos ? "java.lang.Integer"
                                                             : "java.math.BigDecimal");
    std::string upper = to_upper(sql);
    if (upper == "TRUE" || upper == "FALSE")
        return typed(to_lower(sql), "java.lang.Boolean");
    return typed(sql, "liquibase.statement.DatabaseFunction");
}

std::string default_from_file(const std::string& value) {
    auto [text, java_class] = untyped(value);
    if (java_class.empty())
        return sql_string(text);
    if (java_class == "java.lang.Boolean")
        return to_upper(text);
    return text; // numbers and database functions are SQL as they stand
}

/// The Java rule constants of java.sql.DatabaseMetaData that Liquibase writes for FK actions.
constexpr std::pair<std::string_view, std::string_view> kRules[] = {
    {"NO ACTION", "importedKeyNoAction"},
    {"RESTRICT", "importedKeyRestrict"},
    {"CASCADE", "importedKeyCascade"},
    {"SET NULL", "importedKeySetNull"},
    {"SET DEFAULT", "importedKeySetDefault"}};

std::string rule_for_file(const std::string& action) {
    for (auto [sql, java] : kRules)
        if (sql == action)
            return typed(java, "liquibase.structure.core.ForeignKeyConstraintType");
    return typed("importedKeyNoAction", "liquibase.structure.core.ForeignKeyConstraintType");
}

std::string rule_from_file(const std::string& value) {
    std::string java = untyped(value).first;
    for (auto [sql, constant] : kRules)
        if (constant == java)
            return std::string(sql);
    return "NO ACTION";
}

/// "varchar(50)" -> VARCHAR, 50; "decimal(12,2)" -> DECIMAL, 12, 2.
json type_for_file(const Column& column) {
    json type;
    std::string portable = column.type;
    auto open = portable.find('(');
    // typeName is the database's own name for the type, as Liquibase writes it; the
    // portable type, which strata reads back, is strataType.
    const std::string& spelled = column.native_type.empty() ? portable : column.native_type;
    type["typeName"] = to_upper(trim(spelled.substr(0, spelled.find('('))));
    if (open != std::string::npos && portable.ends_with(')')) {
        auto parameters = split_list(portable.substr(open + 1, portable.size() - open - 2));
        if (!parameters.empty() && is_number(parameters[0]))
            type["columnSize"] = typed(parameters[0], "java.lang.Integer");
        if (parameters.size() > 1 && is_number(parameters[1]))
            type["decimalDigits"] = typed(parameters[1], "java.lang.Integer");
    }
    type["strataType"] = portable;
    if (!column.native_type.empty())
        type["strataNativeType"] = column.native_type;
    return type;
}

/// The portable type of a column Liquibase wrote: its type name, with the size for the types
/// whose size is part of the type, mapped as the dialects map their catalogs.
std::string type_from_file(const json& type) {
    if (type.contains("strataType"))
        return type["strataType"].get<std::string>();
    std::string name = to_lower(type.value("typeName", ""));
    static const std::vector<std::string> sized = {
        "varchar", "char",    "character varying", "character", "nvarchar",
        "nchar",   "decimal", "numeric",           "varbinary", "binary"};
    if (std::ranges::find(sized, name) == sized.end() || !type.contains("columnSize"))
        return snapshot::portable_type(name);
    std::string size = untyped(type["columnSize"].get<std::string>()).first;
    if (type.contains("decimalDigits"))
        return snapshot::portable_type(fmt::format(
            "{}({},{})", name, size, untyped(type["decimalDigits"].get<std::string>()).first));
    return snapshot::portable_type(fmt::format("{}({})", name, size));
}

class SnapshotJsonWriter {
public:
    json write(const Schema& schema) {
        std::string catalog_ref = add("Catalog", "catalog", {{"default", true}});
        std::string schema_ref =
            add("Schema", "schema",
                {{"name", schema.name}, {"default", true}, {"catalog", catalog_ref}});
        for (const Table& table : schema.tables)
            write_table(table, schema_ref);
        for (const View& view : schema.views)
            add("View", "view",
                {{"name", view.name}, {"definition", view.definition}, {"schema", schema_ref}});
        for (const Sequence& sequence : schema.sequences)
            write_sequence(sequence);
        json database = {{"shortName", schema.database}};
        if (!schema.database_version.empty())
            database["productVersion"] = schema.database_version;
        return {{"snapshot", {{"database", database}, {"objects", objects_}}}};
    }

private:
    json objects_ = json::object();
    int next_id_ = 1;

    /// Adds one object of `type` and returns the reference other objects use for it.
    std::string add(std::string_view type, std::string_view key, json body) {
        std::string id = std::to_string(next_id_++);
        body["snapshotId"] = id;
        std::string full_type = type.starts_with("strata.")
                                    ? std::string(type)
                                    : std::string(kStructure) + std::string(type);
        objects_[full_type].push_back(json{{std::string(key), body}});
        return full_type + "#" + id;
    }

    void write_table(const Table& table, const std::string& schema_ref) {
        // The table's id is taken first so that its parts can point at it.
        std::string table_id = std::to_string(next_id_++);
        std::string table_ref = std::string(kStructure) + "Table#" + table_id;
        std::map<std::string, std::string> column_refs;
        json body = {{"name", table.name}, {"schema", schema_ref}, {"snapshotId", table_id}};
        int order = 1;
        for (const Column& column : table.columns) {
            json item = {{"name", column.name},
                         {"nullable", column.nullable},
                         {"order", typed(std::to_string(order++), "java.lang.Integer")},
                         {"relation", table_ref},
                         {"type", type_for_file(column)}};
            if (column.default_value)
                item["defaultValue"] = default_for_file(*column.default_value);
            if (column.auto_increment)
                item["autoIncrementInformation"] = {
                    {"incrementBy", typed("1", "java.math.BigInteger")},
                    {"startWith", typed("1", "java.math.BigInteger")}};
            if (!column.comment.empty())
                item["remarks"] = column.comment;
            std::string ref = add("Column", "column", item);
            column_refs[column.name] = ref;
            body["columns"].push_back(ref);
        }
        auto refs = [&](const std::vector<std::string>& names) {
            json list = json::array();
            for (const std::string& name : names)
                list.push_back(column_refs.contains(name) ? column_refs[name] : name);
            return list;
        };
        // Keys are backed by a unique index of their name, listed as Liquibase lists it;
        // reading a snapshot leaves backing indexes out of the index list again.
        auto backing_index = [&](const KeyConstraint& key) {
            json columns = json::array();
            for (const std::string& column : key.columns)
                columns.push_back({{"column", {{"name", column}}}});
            std::string ref = add(
                "Index", "index",
                {{"name", key.name}, {"columns", columns}, {"table", table_ref}, {"unique", true}});
            body["indexes"].push_back(ref);
            return ref;
        };
        if (table.primary_key)
            body["primaryKey"] = add("PrimaryKey", "primaryKey",
                                     {{"name", table.primary_key->name},
                                      {"columns", refs(table.primary_key->columns)},
                                      {"table", table_ref},
                                      {"backingIndex", backing_index(*table.primary_key)}});
        for (const KeyConstraint& unique : table.unique_constraints)
            body["uniqueConstraints"].push_back(add("UniqueConstraint", "uniqueConstraint",
                                                    {{"name", unique.name},
                                                     {"columns", refs(unique.columns)},
                                                     {"table", table_ref},
                                                     {"backingIndex", backing_index(unique)},
                                                     {"deferrable", false},
                                                     {"initiallyDeferred", false},
                                                     {"disabled", false},
                                                     {"validate", true}}));
        for (const ForeignKey& key : table.foreign_keys) {
            json referenced = json::array();
            for (const std::string& column : key.referenced_columns)
                referenced.push_back(column);
            body["outgoingForeignKeys"].push_back(
                add("ForeignKey", "foreignKey",
                    {{"name", key.name},
                     {"foreignKeyTable", table_ref},
                     {"foreignKeyColumns", refs(key.columns)},
                     // The referenced table may come later: by name, as Liquibase's
                     // offline snapshots do.
                     {"primaryKeyTable", key.referenced_table},
                     {"primaryKeyColumns", referenced},
                     {"deleteRule", rule_for_file(key.on_delete)},
                     {"updateRule", rule_for_file(key.on_update)},
                     {"deferrable", key.deferrable},
                     {"initiallyDeferred", key.initially_deferred}}));
        }
        for (const Index& index : table.indexes) {
            json columns = json::array();
            for (const IndexColumn& column : index.columns) {
                json item = {{"name", column.name}};
                if (column.descending)
                    item["descending"] = true;
                columns.push_back({{"column", item}});
            }
            json item = {{"name", index.name},
                         {"columns", columns},
                         {"table", table_ref},
                         {"unique", index.unique}};
            if (!index.where.empty())
                item["where"] = index.where;
            body["indexes"].push_back(add("Index", "index", item));
        }
        for (const CheckConstraint& check : table.check_constraints)
            add(kCheckType, "checkConstraint",
                {{"name", check.name}, {"body", check.expression}, {"table", table_ref}});
        if (!table.comment.empty())
            body["remarks"] = table.comment;
        objects_[std::string(kStructure) + "Table"].push_back(json{{"table", body}});
    }

    void write_sequence(const Sequence& sequence) {
        json item = {{"name", sequence.name}, {"willCycle", sequence.cycle}};
        auto number = [&](const char* key, const std::string& value) {
            if (!value.empty())
                item[key] = typed(value, "java.math.BigInteger");
        };
        number("startValue", sequence.start_value);
        number("incrementBy", sequence.increment_by);
        number("minValue", sequence.min_value);
        number("maxValue", sequence.max_value);
        add("Sequence", "sequence", item);
    }
};

/// Reads snapshot.objects back into a Schema, resolving "Type#id" references.
class SnapshotJsonReader {
public:
    explicit SnapshotJsonReader(std::string source) : source_(std::move(source)) {}

    Schema read(const json& document) {
        const json& snapshot = document.at("snapshot");
        Schema schema;
        if (snapshot.contains("database")) {
            schema.database = snapshot["database"].value("shortName", "");
            schema.database_version = snapshot["database"].value("productVersion", "");
        }
        const json& objects = snapshot.at("objects");
        for (const auto& [type, list] : objects.items())
            for (const json& wrapper : list)
                for (const auto& [key, body] : wrapper.items())
                    if (body.contains("snapshotId"))
                        by_ref_[type + "#" + string_of(body["snapshotId"])] = &body;
        for (const json& wrapper : list_of(objects, std::string(kStructure) + "Schema"))
            if (wrapper.at("schema").contains("name"))
                schema.name = wrapper["schema"]["name"].get<std::string>();
        for (const json& wrapper : list_of(objects, std::string(kStructure) + "Table"))
            schema.tables.push_back(read_table(wrapper.at("table")));
        attach_parts(objects, schema);
        for (const json& wrapper : list_of(objects, std::string(kStructure) + "View")) {
            const json& body = wrapper.at("view");
            schema.views.push_back({body.value("name", ""), body.value("definition", "")});
        }
        for (const json& wrapper : list_of(objects, std::string(kStructure) + "Sequence"))
            schema.sequences.push_back(read_sequence(wrapper.at("sequence")));
        schema.normalize();
        return schema;
    }

private:
    std::string source_;
    std::map<std::string, const json*> by_ref_;

    static std::string string_of(const json& value) {
        return value.is_string() ? value.get<std::string>() : value.dump();
    }

    static const json& list_of(const json& objects, const std::string& type) {
        static const json empty = json::array();
        return objects.contains(type) ? objects[type] : empty;
    }

    /// The name of the object a reference points at, or the text itself when it is a name.
    std::string name_of(const json& reference) const {
        std::string text = string_of(reference);
        auto it = by_ref_.find(text);
        return it == by_ref_.end() ? text : it->second->value("name", "");
    }

    std::vector<std::string> names_of(const json& body, const char* key) const {
        std::vector<std::string> names;
        if (body.contains(key))
            for (const json& item : body[key])
                names.push_back(item.is_object() && item.contains("column")
                                    ? item["column"].value("name", "")
                                    : name_of(item));
        return names;
    }

    static bool flag(const json& body, const char* key) {
        if (!body.contains(key))
            return false;
        const json& value = body[key];
        return value.is_boolean() ? value.get<bool>()
                                  : is_truthy(std::string_view(untyped(string_of(value)).first));
    }

    Table read_table(const json& body) const {
        Table table;
        table.name = body.value("name", "");
        table.comment = body.value("remarks", "");
        if (body.contains("columns"))
            for (const json& reference : body["columns"]) {
                auto it = by_ref_.find(string_of(reference));
                if (it != by_ref_.end())
                    table.columns.push_back(read_column(*it->second));
            }
        return table;
    }

    static Column read_column(const json& body) {
        Column column;
        column.name = body.value("name", "");
        column.nullable = !body.contains("nullable") || flag(body, "nullable");
        if (body.contains("type")) {
            column.type = type_from_file(body["type"]);
            column.native_type = body["type"].value("strataNativeType", "");
        }
        if (body.contains("defaultValue"))
            column.default_value = default_from_file(string_of(body["defaultValue"]));
        column.auto_increment = body.contains("autoIncrementInformation");
        column.comment = body.value("remarks", "");
        return column;
    }

    static Sequence read_sequence(const json& body) {
        auto number = [&](const char* key) {
            return body.contains(key) ? untyped(string_of(body[key])).first : std::string();
        };
        return {body.value("name", ""), number("startValue"), number("incrementBy"),
                number("minValue"),     number("maxValue"),   flag(body, "willCycle")};
    }

    Table& owner(Schema& schema, const json& body, const char* key) const {
        std::string name = body.contains(key) ? name_of(body[key]) : std::string();
        for (Table& table : schema.tables)
            if (table.name == name)
                return table;
        throw Error(ErrorKind::Parse,
                    fmt::format("{}: '{}' belongs to table '{}', which the snapshot does not list",
                                source_, body.value("name", ""), name));
    }

    void attach_parts(const json& objects, Schema& schema) const {
        // Indexes that back a primary key or unique constraint belong to the constraint.
        std::vector<std::string> backing;
        for (const char* type : {"PrimaryKey", "UniqueConstraint"})
            for (const json& wrapper : list_of(objects, std::string(kStructure) + type))
                for (const auto& [key, body] : wrapper.items())
                    if (body.contains("backingIndex"))
                        backing.push_back(string_of(body["backingIndex"]));

        for (const json& wrapper : list_of(objects, std::string(kStructure) + "PrimaryKey")) {
            const json& body = wrapper.at("primaryKey");
            owner(schema, body, "table").primary_key =
                KeyConstraint{body.value("name", ""), names_of(body, "columns")};
        }
        for (const json& wrapper : list_of(objects, std::string(kStructure) + "UniqueConstraint")) {
            const json& body = wrapper.at("uniqueConstraint");
            owner(schema, body, "table")
                .unique_constraints.push_back({body.value("name", ""), names_of(body, "columns")});
        }
        for (const json& wrapper : list_of(objects, std::string(kStructure) + "ForeignKey")) {
            const json& body = wrapper.at("foreignKey");
            ForeignKey key;
            key.name = body.value("name", "");
            key.columns = names_of(body, "foreignKeyColumns");
            key.referenced_table = name_of(body.at("primaryKeyTable"));
            key.referenced_columns = names_of(body, "primaryKeyColumns");
            if (body.contains("deleteRule"))
                key.on_delete = rule_from_file(string_of(body["deleteRule"]));
            if (body.contains("updateRule"))
                key.on_update = rule_from_file(string_of(body["updateRule"]));
            key.deferrable = flag(body, "deferrable");
            key.initially_deferred = flag(body, "initiallyDeferred");
            owner(schema, body, "foreignKeyTable").foreign_keys.push_back(key);
        }
        for (const json& wrapper : list_of(objects, std::string(kStructure) + "Index")) {
            const json& body = wrapper.at("index");
            std::string ref =
                std::string(kStructure) + "Index#" + string_of(body.value("snapshotId", json("")));
            if (std::ranges::find(backing, ref) != backing.end())
                continue;
            Index index;
            index.name = body.value("name", "");
            index.unique = flag(body, "unique");
            index.where = body.value("where", "");
            if (body.contains("columns"))
                for (const json& item : body["columns"]) {
                    const json& column = item.contains("column") ? item["column"] : item;
                    index.columns.push_back(
                        {column.is_object() ? column.value("name", "") : name_of(column),
                         column.is_object() && flag(column, "descending")});
                }
            owner(schema, body, "table").indexes.push_back(index);
        }
        for (const json& wrapper : list_of(objects, std::string(kCheckType))) {
            const json& body = wrapper.at("checkConstraint");
            owner(schema, body, "table")
                .check_constraints.push_back({body.value("name", ""), body.value("body", "")});
        }
    }
};

void emit_yaml(YAML::Emitter& out, const json& value) {
    if (value.is_object()) {
        out << YAML::BeginMap;
        for (const auto& [key, item] : value.items()) {
            out << YAML::Key << key << YAML::Value;
            emit_yaml(out, item);
        }
        out << YAML::EndMap;
    } else if (value.is_array()) {
        out << YAML::BeginSeq;
        for (const json& item : value)
            emit_yaml(out, item);
        out << YAML::EndSeq;
    } else if (value.is_string()) {
        out << YAML::DoubleQuoted << value.get<std::string>();
    } else {
        out << value.dump();
    }
}

std::string joined(const std::vector<std::string>& names) {
    return fmt::format("{}", fmt::join(names, ", "));
}

std::string write_text(const Schema& schema) {
    std::string out = fmt::format(
        "Database: {}{}\nSchema: {}\n", schema.database,
        schema.database_version.empty() ? "" : " " + schema.database_version, schema.name);
    out += fmt::format("\nTables ({}):\n", schema.tables.size());
    for (const Table& table : schema.tables) {
        out += "  " + table.name + (table.comment.empty() ? "" : "  -- " + table.comment) + "\n";
        for (const Column& column : table.columns) {
            out += fmt::format("    {} {}{}{}{}{}\n", column.name, column.type,
                               column.nullable ? "" : " NOT NULL",
                               column.default_value ? " DEFAULT " + *column.default_value : "",
                               column.auto_increment ? " AUTO_INCREMENT" : "",
                               column.comment.empty() ? "" : "  -- " + column.comment);
        }
        if (table.primary_key)
            out += fmt::format("    PRIMARY KEY {}({})\n",
                               table.primary_key->name.empty() ? "" : table.primary_key->name + " ",
                               joined(table.primary_key->columns));
        for (const KeyConstraint& unique : table.unique_constraints)
            out += fmt::format("    UNIQUE {} ({})\n", unique.name, joined(unique.columns));
        for (const ForeignKey& key : table.foreign_keys)
            out += fmt::format(
                "    FOREIGN KEY {}({}) REFERENCES {}({}) ON DELETE {} ON UPDATE {}\n",
                key.name.empty() ? "" : key.name + " ", joined(key.columns), key.referenced_table,
                joined(key.referenced_columns), key.on_delete, key.on_update);
        for (const CheckConstraint& check : table.check_constraints)
            out += fmt::format("    CHECK {} ({})\n", check.name, check.expression);
        for (const Index& index : table.indexes) {
            std::vector<std::string> columns;
            for (const IndexColumn& column : index.columns)
                columns.push_back(column.name + (column.descending ? " DESC" : ""));
            out += fmt::format("    {}INDEX {} ({}){}\n", index.unique ? "UNIQUE " : "", index.name,
                               joined(columns), index.where.empty() ? "" : " WHERE " + index.where);
        }
    }
    out += fmt::format("\nViews ({}):\n", schema.views.size());
    for (const View& view : schema.views)
        out += fmt::format("  {}: {}\n", view.name, view.definition);
    out += fmt::format("\nSequences ({}):\n", schema.sequences.size());
    for (const Sequence& sequence : schema.sequences)
        out += fmt::format("  {} START {} INCREMENT {} MIN {} MAX {}{}\n", sequence.name,
                           sequence.start_value, sequence.increment_by, sequence.min_value,
                           sequence.max_value, sequence.cycle ? " CYCLE" : "");
    return out;
}

} // namespace

std::string write_snapshot(const snapshot::Schema& schema, SnapshotFormat format) {
    switch (format) {
    case SnapshotFormat::Json:
        return SnapshotJsonWriter().write(schema).dump(2) + "\n";
    case SnapshotFormat::Yaml: {
        YAML::Emitter out;
        emit_yaml(out, SnapshotJsonWriter().write(schema));
        return std::string(out.c_str()) + "\n";
    }
    case SnapshotFormat::Text:
        return write_text(schema);
    }
    throw Error(ErrorKind::Internal, "unknown snapshot format");
}

snapshot::Schema parse_snapshot_json(std::string_view text, const std::string& source) {
    json document = json::parse(text, nullptr, false);
    if (document.is_discarded())
        throw Error(ErrorKind::Parse, source + ": not a JSON snapshot (the JSON does not parse)",
                    {},
                    "write snapshots with `strata snapshot` or Liquibase's --snapshot-format=json");
    try {
        return SnapshotJsonReader(source).read(document);
    } catch (const json::exception& e) {
        throw Error(ErrorKind::Parse, source + ": not a snapshot: " + e.what(), {},
                    "a snapshot holds snapshot.objects, as `strata snapshot` writes it");
    }
}

} // namespace strata
