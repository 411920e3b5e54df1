// SPDX-License-Identifier: Apache-2.0
// The diff engine on hand-built schemas: each kind of difference, the matching rules that
// make schemas of different databases compare (names ignore case, types by portable name,
// keys and indexes by what they cover), the filters, the reports, and the order of the
// changesets diff_changelog writes.
#include <algorithm>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <strata/core/diff_changelog.hpp>
#include <strata/core/schema_diff.hpp>
#include <strata/error.hpp>

namespace strata::diff {
namespace {

using namespace snapshot;

snapshot::Column column(std::string name, std::string type, bool nullable = true,
                        std::optional<std::string> default_value = std::nullopt) {
    snapshot::Column c;
    c.name = std::move(name);
    c.type = std::move(type);
    c.nullable = nullable;
    c.default_value = std::move(default_value);
    return c;
}

Table person() {
    Table t;
    t.name = "person";
    t.columns = {column("id", "int", false), column("name", "varchar(50)", false),
                 column("active", "boolean", true, "TRUE"), column("team_id", "int")};
    t.primary_key = KeyConstraint{"pk_person", {"id"}};
    t.foreign_keys = {ForeignKey{"fk_person_team", {"team_id"}, "team", {"id"}}};
    t.unique_constraints = {KeyConstraint{"uq_person_name", {"name", "team_id"}}};
    t.check_constraints = {CheckConstraint{"ck_name", "length(name) > 0"}};
    t.indexes = {Index{"ix_person_name", {{"name", false}}, false, ""}};
    return t;
}

Table team() {
    Table t;
    t.name = "team";
    t.columns = {column("id", "int", false), column("label", "varchar(20)")};
    t.primary_key = KeyConstraint{"pk_team", {"id"}};
    return t;
}

Schema schema() {
    Schema s;
    s.database = "sqlite";
    s.name = "main";
    s.tables = {person(), team()};
    s.views = {View{"v_person", "SELECT id, name FROM person"}};
    s.sequences = {Sequence{"seq_person", "1", "1", "", "", false}};
    return s;
}

Table& table(Schema& s, std::string_view name) {
    return *std::ranges::find(s.tables, name, &Table::name);
}

std::vector<std::string> kinds(const Changelog& log) {
    std::vector<std::string> out;
    for (const ChangeSet& changeset : log.changesets)
        out.emplace_back(changeset.changes.at(0).type_name());
    return out;
}

std::size_t position(const std::vector<std::string>& list, std::string_view kind) {
    return static_cast<std::size_t>(std::ranges::find(list, kind) - list.begin());
}

std::size_t last_position(const std::vector<std::string>& list, std::string_view kind) {
    auto it = std::ranges::find(list.rbegin(), list.rend(), kind);
    return static_cast<std::size_t>(list.rend() - it) - 1;
}

TEST(SchemaDiff, IdenticalSchemasHaveNoDifference) {
    SchemaDiff diff = diff_schemas(schema(), schema());
    EXPECT_TRUE(diff.empty());
    EXPECT_TRUE(diff_changelog(diff).changesets.empty());
}

TEST(SchemaDiff, MissingAndUnexpectedTablesCarryTheirObjectsWithThem) {
    Schema reference = schema();
    Schema target = schema();
    target.tables.erase(target.tables.begin()); // no person
    Table extra;
    extra.name = "audit";
    extra.columns = {column("id", "int", false)};
    target.tables.push_back(extra);
    SchemaDiff diff = diff_schemas(reference, target);
    ASSERT_EQ(diff.missing_tables.size(), 1U);
    EXPECT_EQ(diff.missing_tables[0].name, "person");
    ASSERT_EQ(diff.unexpected_tables.size(), 1U);
    EXPECT_EQ(diff.unexpected_tables[0].name, "audit");
    // The table's columns, keys and indexes are not listed again.
    EXPECT_TRUE(diff.missing_columns.empty());
    EXPECT_TRUE(diff.missing_foreign_keys.empty());
    EXPECT_TRUE(diff.missing_indexes.empty());
}

TEST(SchemaDiff, NamesCompareIgnoringCase) {
    Schema target = schema();
    table(target, "person").name = "PERSON";
    table(target, "PERSON").columns[1].name = "NAME";
    target.views[0].name = "V_PERSON";
    EXPECT_TRUE(diff_schemas(schema(), target).empty());
}

TEST(SchemaDiff, ColumnsMissingUnexpectedAndChanged) {
    Schema target = schema();
    Table& p = table(target, "person");
    p.columns.erase(p.columns.begin() + 2);                    // active missing
    p.columns.push_back(column("nickname", "varchar(10)"));    // unexpected
    p.columns[1].type = "varchar(20)";                         // name: type changed
    p.columns[1].nullable = true;                              //       nullability changed
    table(target, "team").columns[1].default_value = "'none'"; // label: default changed
    SchemaDiff diff = diff_schemas(schema(), target);
    ASSERT_EQ(diff.missing_columns.size(), 1U);
    EXPECT_EQ(diff.missing_columns[0].object.name, "active");
    EXPECT_EQ(diff.missing_columns[0].table, "person");
    ASSERT_EQ(diff.unexpected_columns.size(), 1U);
    EXPECT_EQ(diff.unexpected_columns[0].object.name, "nickname");
    ASSERT_EQ(diff.changed_columns.size(), 2U);
    const auto& name = diff.changed_columns[0];
    EXPECT_EQ(name.reference.name, "name");
    ASSERT_EQ(name.changes.size(), 2U);
    EXPECT_EQ(name.changes[0].field, "type");
    EXPECT_EQ(name.changes[0].reference, "varchar(50)");
    EXPECT_EQ(name.changes[0].target, "varchar(20)");
    EXPECT_EQ(name.changes[1].field, "nullable");
    const auto& label = diff.changed_columns[1];
    ASSERT_EQ(label.changes.size(), 1U);
    EXPECT_EQ(label.changes[0].field, "defaultValue");
    EXPECT_EQ(label.changes[0].target, "'none'");
}

TEST(SchemaDiff, TypesCompareByPortableNameAndDefaultsByMeaning) {
    Schema target = schema();
    Table& p = table(target, "person");
    p.columns[0].type = "INTEGER";
    p.columns[1].type = "character varying( 50 )";
    p.columns[2].default_value = "1"; // a boolean TRUE as SQLite and MySQL store it
    EXPECT_TRUE(diff_schemas(schema(), target).empty());
    p.columns[2].default_value = "0";
    EXPECT_EQ(diff_schemas(schema(), target).changed_columns.size(), 1U);
    EXPECT_EQ(type_key("NUMERIC(12, 2)"), "decimal(12,2)");
    EXPECT_EQ(type_key("int(11)"), "int");
    EXPECT_EQ(default_key("(current_timestamp)", false), default_key("CURRENT_TIMESTAMP", false));
    EXPECT_NE(default_key("'Abc'", false), default_key("'abc'", false));
    EXPECT_EQ(default_key("0.00", false), default_key("0", false));
    EXPECT_EQ(default_key("1.50", false), "1.5");
    EXPECT_EQ(default_key("+007", false), "7");
    EXPECT_EQ(default_key("-0.0", false), "0");
    EXPECT_EQ(default_key("-2.500", false), "-2.5");
    EXPECT_NE(default_key("10", false), default_key("1", false));
    EXPECT_EQ(default_key("now()", false), default_key("CURRENT_TIMESTAMP", false));
}

TEST(SchemaDiff, AutoIncrementIsCompared) {
    Schema reference = schema();
    table(reference, "team").columns[0].auto_increment = true;
    SchemaDiff diff = diff_schemas(reference, schema());
    ASSERT_EQ(diff.changed_columns.size(), 1U);
    EXPECT_EQ(diff.changed_columns[0].changes[0].field, "autoIncrement");
    EXPECT_EQ(diff.changed_columns[0].changes[0].reference, "true");
}

TEST(SchemaDiff, PrimaryKeysMissingUnexpectedAndChanged) {
    Schema target = schema();
    table(target, "team").primary_key.reset();
    table(target, "person").primary_key->columns = {"id", "name"};
    table(target, "person").primary_key->name = "other_name"; // names alone do not differ
    SchemaDiff diff = diff_schemas(schema(), target);
    ASSERT_EQ(diff.missing_primary_keys.size(), 1U);
    EXPECT_EQ(diff.missing_primary_keys[0].table, "team");
    ASSERT_EQ(diff.changed_primary_keys.size(), 1U);
    EXPECT_EQ(diff.changed_primary_keys[0].changes[0].field, "columns");
    EXPECT_EQ(diff.changed_primary_keys[0].changes[0].target, "id,name");
    SchemaDiff reverse = diff_schemas(target, schema());
    EXPECT_EQ(reverse.unexpected_primary_keys.size(), 1U);
}

TEST(SchemaDiff, ForeignKeysMatchByColumnsNotByGeneratedNames) {
    Schema target = schema();
    table(target, "person").foreign_keys[0].name = "SYS_FK_123";
    EXPECT_TRUE(diff_schemas(schema(), target).empty());
    table(target, "person").foreign_keys[0].on_delete = "CASCADE";
    SchemaDiff diff = diff_schemas(schema(), target);
    ASSERT_EQ(diff.changed_foreign_keys.size(), 1U);
    EXPECT_EQ(diff.changed_foreign_keys[0].changes[0].field, "onDelete");
    // RESTRICT is NO ACTION on MySQL and MariaDB, not elsewhere.
    Schema restrict = schema();
    table(restrict, "person").foreign_keys[0].on_update = "RESTRICT";
    EXPECT_EQ(diff_schemas(schema(), restrict).changed_foreign_keys.size(), 1U);
    restrict.database = "mariadb";
    EXPECT_TRUE(diff_schemas(schema(), restrict).empty());
    table(target, "person").foreign_keys[0].referenced_table = "other";
    diff = diff_schemas(schema(), target);
    EXPECT_EQ(diff.missing_foreign_keys.size(), 1U);
    EXPECT_EQ(diff.unexpected_foreign_keys.size(), 1U);
}

TEST(SchemaDiff, UniqueConstraintsMatchByTheirSetOfColumns) {
    Schema target = schema();
    auto& unique = table(target, "person").unique_constraints[0];
    unique.name = "";
    unique.columns = {"TEAM_ID", "name"};
    EXPECT_TRUE(diff_schemas(schema(), target).empty());
    unique.columns = {"name"};
    SchemaDiff diff = diff_schemas(schema(), target);
    EXPECT_EQ(diff.missing_unique_constraints.size(), 1U);
    EXPECT_EQ(diff.unexpected_unique_constraints.size(), 1U);
}

TEST(SchemaDiff, ChecksMatchByExpressionThenByName) {
    Schema target = schema();
    auto& check = table(target, "person").check_constraints[0];
    check.name = "";
    check.expression = "( LENGTH(name)>0 )";
    EXPECT_TRUE(diff_schemas(schema(), target).empty());
    check.name = "ck_name";
    check.expression = "length(name) > 1";
    SchemaDiff diff = diff_schemas(schema(), target);
    ASSERT_EQ(diff.changed_check_constraints.size(), 1U);
    EXPECT_EQ(diff.changed_check_constraints[0].changes[0].target, "length(name) > 1");
    check.name = "";
    diff = diff_schemas(schema(), target);
    EXPECT_EQ(diff.missing_check_constraints.size(), 1U);
    EXPECT_EQ(diff.unexpected_check_constraints.size(), 1U);
}

TEST(SchemaDiff, StoredExpressionsCompareByMeaning) {
    Schema target = schema();
    auto& check = table(target, "person").check_constraints[0];
    check.expression = "(length((name)::text) > (0)::integer)"; // as PostgreSQL returns it
    EXPECT_TRUE(diff_schemas(schema(), target).empty());
    check.expression = "length(name) > (0 - 1)";
    EXPECT_FALSE(diff_schemas(schema(), target).empty()) << "only a lone literal is unwrapped";
    // A quoted name is the name, but quoted text that is no name is a string: SQLite indexes
    // "lower(name)" as a constant.
    Schema reference = schema();
    table(reference, "person").indexes[0].columns[0].name = "lower(name)";
    Schema quoted = reference;
    table(quoted, "person").indexes[0].columns[0].name = "\"lower(name)\"";
    EXPECT_FALSE(diff_schemas(reference, quoted).empty());
    table(quoted, "person").indexes[0].columns[0].name = "LOWER( \"Name\" )";
    EXPECT_TRUE(diff_schemas(reference, quoted).empty());
}

TEST(SchemaDiff, IndexesMatchByColumnsAndReportUniqueness) {
    Schema target = schema();
    auto& index = table(target, "person").indexes[0];
    index.name = "generated_17";
    EXPECT_TRUE(diff_schemas(schema(), target).empty());
    index.unique = true;
    SchemaDiff diff = diff_schemas(schema(), target);
    ASSERT_EQ(diff.changed_indexes.size(), 1U);
    EXPECT_EQ(diff.changed_indexes[0].changes[0].field, "unique");
    index.columns[0].descending = true;
    diff = diff_schemas(schema(), target);
    EXPECT_EQ(diff.missing_indexes.size(), 1U);
    EXPECT_EQ(diff.unexpected_indexes.size(), 1U);
}

TEST(SchemaDiff, ViewsAndSequences) {
    Schema target = schema();
    target.views[0].definition = "select id,name\n  from person";
    EXPECT_TRUE(diff_schemas(schema(), target).empty()) << "whitespace and case are no change";
    target.views[0].definition = " SELECT person.id,\n    person.name\n   FROM person;";
    EXPECT_TRUE(diff_schemas(schema(), target).empty()) << "PostgreSQL's rewriting is no change";
    target.views[0].definition = "SELECT id, 'person.name' FROM person";
    EXPECT_FALSE(diff_schemas(schema(), target).empty()) << "strings are not rewritten";
    target.views[0].definition = "SELECT id FROM person";
    target.sequences[0].increment_by = "5";
    target.sequences.push_back(Sequence{"seq_extra", "1", "1", "", "", false});
    SchemaDiff diff = diff_schemas(schema(), target);
    ASSERT_EQ(diff.changed_views.size(), 1U);
    ASSERT_EQ(diff.changed_sequences.size(), 1U);
    EXPECT_EQ(diff.changed_sequences[0].changes[0].field, "incrementBy");
    ASSERT_EQ(diff.unexpected_sequences.size(), 1U);
    target.views.clear();
    EXPECT_EQ(diff_schemas(schema(), target).missing_views.size(), 1U);
}

TEST(SchemaDiff, DiffTypesLimitWhatIsCompared) {
    Schema target = schema();
    table(target, "person").columns.pop_back();
    target.views.clear();
    DiffOptions options;
    options.types = parse_diff_types("Views, sequences");
    SchemaDiff diff = diff_schemas(schema(), target, options);
    EXPECT_TRUE(diff.missing_columns.empty());
    EXPECT_EQ(diff.missing_views.size(), 1U);
    options.types = parse_diff_types("columns");
    diff = diff_schemas(schema(), target, options);
    EXPECT_EQ(diff.missing_columns.size(), 1U);
    EXPECT_TRUE(diff.missing_views.empty());
    EXPECT_EQ(parse_diff_types("table,index,data").size(), 2U) << "data selects nothing";
    EXPECT_TRUE(parse_diff_types("").empty());
    EXPECT_THROW((void)parse_diff_types("data"), Error) << "it would compare nothing";
    try {
        (void)parse_diff_types("tables,colums");
        FAIL() << "an unknown type must be refused";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Usage);
        EXPECT_NE(std::string(e.what()).find("colums"), std::string::npos);
    }
}

TEST(SchemaDiff, IncludeAndExcludeObjects) {
    Schema target = schema();
    target.tables.clear();
    target.views.clear();
    DiffOptions options;
    options.filter.include_objects = "table:TEAM";
    SchemaDiff diff = diff_schemas(schema(), target, options);
    ASSERT_EQ(diff.missing_tables.size(), 1U);
    EXPECT_EQ(diff.missing_tables[0].name, "team");
    EXPECT_TRUE(diff.missing_views.empty());
    EXPECT_TRUE(diff.missing_sequences.empty());

    options.filter.include_objects = "";
    options.filter.exclude_objects = "pers.*, seq_.*";
    diff = diff_schemas(schema(), target, options);
    ASSERT_EQ(diff.missing_tables.size(), 1U);
    EXPECT_EQ(diff.missing_tables[0].name, "team");
    EXPECT_EQ(diff.missing_views.size(), 1U) << "v_person does not match pers.* as a whole";
    EXPECT_TRUE(diff.missing_sequences.empty());

    // A column filter keeps its table, with that column only.
    Schema without_active = schema();
    auto& columns = table(without_active, "person").columns;
    columns.erase(columns.begin() + 2);
    options.filter.exclude_objects = "";
    options.filter.include_objects = "column:active";
    diff = diff_schemas(schema(), without_active, options);
    ASSERT_EQ(diff.missing_columns.size(), 1U);
    EXPECT_TRUE(diff.missing_foreign_keys.empty());

    options.filter.include_objects = "table:(";
    EXPECT_THROW((void)diff_schemas(schema(), target, options), Error);
}

TEST(SchemaDiff, TextReportReadsLikeLiquibase) {
    Schema target = schema();
    table(target, "person").columns[0].type = "bigint";
    table(target, "team").columns.pop_back();
    target.views.clear();
    std::string text = diff_text(diff_schemas(schema(), target), "sqlite:ref.db", "sqlite:t.db");
    EXPECT_NE(text.find("Reference Database: sqlite:ref.db\n"), std::string::npos) << text;
    EXPECT_NE(text.find("Comparison Database: sqlite:t.db\n"), std::string::npos);
    EXPECT_NE(text.find("Missing Column(s): \n     team.label\n"), std::string::npos) << text;
    EXPECT_NE(text.find("Changed Column(s): \n     person.id\n          type changed from "
                        "'bigint' to 'int'\n"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("Missing View(s): \n     v_person\n"), std::string::npos);
    EXPECT_NE(text.find("Missing Table(s): NONE\n"), std::string::npos);
}

TEST(SchemaDiff, JsonReportIsStable) {
    Schema target = schema();
    table(target, "person").columns[0].type = "bigint";
    table(target, "team").columns.pop_back();
    auto json = nlohmann::json::parse(diff_json(diff_schemas(schema(), target), "ref", "tgt"));
    EXPECT_EQ(json["reference"]["label"], "ref");
    EXPECT_EQ(json["target"]["database"], "sqlite");
    EXPECT_FALSE(json["identical"].get<bool>());
    ASSERT_EQ(json["missing"].size(), 1U);
    EXPECT_EQ(json["missing"][0]["type"], "column");
    EXPECT_EQ(json["missing"][0]["table"], "team");
    EXPECT_EQ(json["missing"][0]["name"], "label");
    ASSERT_EQ(json["changed"].size(), 1U);
    EXPECT_EQ(json["changed"][0]["changes"][0]["field"], "type");
    EXPECT_EQ(json["changed"][0]["changes"][0]["reference"], "int");
    EXPECT_EQ(json["changed"][0]["changes"][0]["target"], "bigint");
    auto same = nlohmann::json::parse(diff_json(diff_schemas(schema(), schema()), "a", "b"));
    EXPECT_TRUE(same["identical"].get<bool>());
}

TEST(DiffChangelog, GeneratedChangelogCreatesTablesBeforeKeysAndForeignKeysLast) {
    ChangelogOptions options;
    options.author = "ana (generated)";
    options.id_prefix = "100";
    options.path = "out.xml";
    Changelog log = generate_changelog(schema(), {}, options);
    std::vector<std::string> order = kinds(log);
    ASSERT_FALSE(order.empty());
    EXPECT_EQ(log.changesets[0].id, "100-1");
    EXPECT_EQ(log.changesets[1].id, "100-2");
    EXPECT_EQ(log.changesets[0].author, "ana (generated)");
    EXPECT_EQ(log.changesets[0].path, "out.xml");
    EXPECT_EQ(order.back(), "addForeignKeyConstraint");
    EXPECT_LT(position(order, "createSequence"), position(order, "createTable"));
    EXPECT_LT(last_position(order, "createTable"), position(order, "addUniqueConstraint"));
    EXPECT_LT(position(order, "addUniqueConstraint"), position(order, "createIndex"));
    EXPECT_LT(last_position(order, "createIndex"), position(order, "createView"));
    EXPECT_LT(position(order, "createView"), position(order, "addForeignKeyConstraint"));
    // createTable holds the columns with their key, nullability and default.
    const Change& create = log.changesets[position(order, "createTable")].changes[0];
    EXPECT_EQ(create.value("tableName"), "person");
    ASSERT_EQ(create.columns.size(), 4U);
    EXPECT_TRUE(create.columns[0].constraint_flag("primaryKey"));
    EXPECT_EQ(*create.columns[0].constraint("primaryKeyName"), "pk_person");
    EXPECT_EQ(*create.columns[1].constraint("nullable"), "false");
    EXPECT_EQ(*create.columns[2].get("defaultValueBoolean"), "true");
    // Creations roll back by themselves: no explicit rollback.
    for (const ChangeSet& changeset : log.changesets)
        EXPECT_FALSE(changeset.rollback.has_value()) << changeset.id;
}

TEST(DiffChangelog, DropsComeFirstDependentsBeforeTablesEachWithARollback) {
    Schema reference = schema();
    Schema target = schema();
    // The target has what the reference lacks: a table referenced by a foreign key, a view on
    // it, an index and an extra column; and lacks a column and an index.
    Table audit;
    audit.name = "audit";
    audit.columns = {column("id", "int", false), column("who", "int")};
    audit.primary_key = KeyConstraint{"pk_audit", {"id"}};
    audit.foreign_keys = {ForeignKey{"fk_audit_person", {"who"}, "person", {"id"}}};
    target.tables.push_back(audit);
    target.views.push_back(View{"v_audit", "SELECT who FROM audit"});
    Table& p = table(target, "person");
    p.indexes.push_back(Index{"ix_extra", {{"active", false}}, false, ""});
    p.columns.push_back(column("legacy", "text"));
    table(target, "team").columns.pop_back();
    p.columns[1].type = "varchar(20)";
    p.foreign_keys[0].on_delete = "CASCADE";

    Changelog log = diff_changelog(diff_schemas(reference, target), {"t", "9", 1, "d.yaml"});
    std::vector<std::string> order = kinds(log);
    ASSERT_GE(order.size(), 8U);
    EXPECT_EQ(order[0], "dropForeignKeyConstraint");
    EXPECT_EQ(order[1], "dropForeignKeyConstraint");
    EXPECT_LT(position(order, "dropView"), position(order, "dropTable"));
    EXPECT_LT(position(order, "dropIndex"), position(order, "dropColumn"));
    EXPECT_LT(position(order, "dropColumn"), position(order, "dropTable"));
    EXPECT_LT(position(order, "dropTable"), position(order, "addColumn"));
    EXPECT_LT(position(order, "addColumn"), position(order, "modifyDataType"));
    EXPECT_EQ(order.back(), "addForeignKeyConstraint");
    // Every drop and the type change can be rolled back: the rollback recreates the target's
    // object.
    for (const ChangeSet& changeset : log.changesets) {
        const Change& change = changeset.changes[0];
        std::string_view kind = change.type_name();
        if (kind.starts_with("drop") || kind == "modifyDataType") {
            EXPECT_TRUE(changeset.rollback && !changeset.rollback->changes.empty()) << kind;
        }
    }
    const ChangeSet& drop_table = log.changesets[position(order, "dropTable")];
    EXPECT_EQ(drop_table.changes[0].value("tableName"), "audit");
    EXPECT_EQ(drop_table.rollback->changes[0].type_name(), "createTable");
    const ChangeSet& modify = log.changesets[position(order, "modifyDataType")];
    EXPECT_EQ(modify.changes[0].value("newDataType"), "varchar(50)");
    EXPECT_EQ(modify.rollback->changes[0].value("newDataType"), "varchar(20)");
    const ChangeSet& add_fk = log.changesets.back();
    EXPECT_EQ(add_fk.changes[0].value("onDelete"), "");
}

TEST(DiffChangelog, UnnamedConstraintsGetGeneratedNames) {
    Schema s;
    Table t = person();
    t.foreign_keys[0].name = "";
    t.unique_constraints[0].name = "";
    t.check_constraints[0].name = "";
    t.check_constraints.push_back(CheckConstraint{"", "id > 0"});
    t.indexes[0].name = "";
    s.tables = {t, team()};
    Changelog log = generate_changelog(s);
    std::vector<std::string> names;
    for (const ChangeSet& changeset : log.changesets) {
        const Change& change = changeset.changes[0];
        for (const char* key : {"constraintName", "indexName"}) {
            if (change.get(key))
                names.push_back(change.value(key));
        }
    }
    EXPECT_NE(std::ranges::find(names, "FK_PERSON_TEAM"), names.end());
    EXPECT_NE(std::ranges::find(names, "UC_PERSON_NAME_TEAM_ID"), names.end());
    EXPECT_NE(std::ranges::find(names, "CK_PERSON"), names.end());
    EXPECT_NE(std::ranges::find(names, "CK_PERSON_2"), names.end());
    EXPECT_NE(std::ranges::find(names, "IDX_PERSON_NAME"), names.end());
}

TEST(DiffChangelog, DefaultsBecomeTheMatchingAttribute) {
    auto attributes = [](std::string type, std::string value) {
        return default_attributes(column("c", std::move(type), true, std::move(value)));
    };
    EXPECT_EQ(attributes("varchar(5)", "'it''s'").at("defaultValue"), "it's");
    EXPECT_EQ(attributes("int", "-42").at("defaultValueNumeric"), "-42");
    EXPECT_EQ(attributes("decimal(5,2)", "1.5").at("defaultValueNumeric"), "1.5");
    EXPECT_EQ(attributes("boolean", "1").at("defaultValueBoolean"), "true");
    EXPECT_EQ(attributes("boolean", "FALSE").at("defaultValueBoolean"), "false");
    EXPECT_EQ(attributes("timestamp", "CURRENT_TIMESTAMP").at("defaultValueComputed"),
              "CURRENT_TIMESTAMP");
    EXPECT_TRUE(attributes("int", "NULL").empty());
}

} // namespace
} // namespace strata::diff
