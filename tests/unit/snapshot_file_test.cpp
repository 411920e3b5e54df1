// SPDX-License-Identifier: Apache-2.0
// Snapshot files: what strata writes reads back to the same schema, in Liquibase's JSON
// structure, and a snapshot real Liquibase 4.28 wrote reads as the schema it describes.
#include "strata/core/schema_pictures.hpp"
#include "strata/core/schema_source.hpp"
#include "strata/error.hpp"

#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sstream>
#include <yaml-cpp/yaml.h>

namespace strata {
namespace {

using namespace snapshot;

Schema every_object_kind() {
    Schema schema;
    schema.database = "postgresql";
    schema.database_version = "15.8";
    schema.name = "public";
    Table parent;
    parent.name = "parent";
    parent.comment = "the parents";
    parent.columns = {
        {"id", "bigint", "bigint", false, std::nullopt, true, ""},
        {"name", "varchar(50)", "character varying(50)", false, "'it''s'", false, "display name"},
        {"price", "decimal(12,2)", "numeric(12,2)", true, "0.50", false, ""},
        {"active", "boolean", "boolean", true, "TRUE", false, ""},
        {"created", "timestamp", "timestamp without time zone", false, "CURRENT_TIMESTAMP", false,
         ""},
        {"rank", "int", "integer", true, "7", false, ""},
    };
    parent.primary_key = KeyConstraint{"parent_pkey", {"id"}};
    parent.unique_constraints = {{"uq_parent_name_rank", {"name", "rank"}}};
    parent.check_constraints = {{"ck_price", "price >= 0"}};
    parent.indexes = {{"ix_created", {{"created", true}, {"id", false}}, false, ""},
                      {"ix_active_name", {{"name", false}}, true, "active"}};
    Table child;
    child.name = "child";
    child.columns = {{"id", "int", "integer", false, std::nullopt, false, ""},
                     {"parent_id", "bigint", "bigint", true, std::nullopt, false, ""}};
    child.primary_key = KeyConstraint{"child_pkey", {"id"}};
    child.foreign_keys = {
        {"fk_child_parent", {"parent_id"}, "parent", {"id"}, "CASCADE", "SET NULL", true, true}};
    schema.tables = {parent, child};
    schema.views = {{"v_parent", "SELECT id FROM parent"}};
    schema.sequences = {{"seq_orders", "100", "5", "1", "9223372036854775807", true}};
    schema.normalize();
    return schema;
}

TEST(SnapshotFile, JsonReadsBackToTheSameSchema) {
    Schema schema = every_object_kind();
    std::string text = write_snapshot(schema, SnapshotFormat::Json);
    EXPECT_EQ(parse_snapshot_json(text, "mem.json"), schema);
}

TEST(SnapshotFile, JsonFollowsLiquibasesStructure) {
    auto document =
        nlohmann::json::parse(write_snapshot(every_object_kind(), SnapshotFormat::Json));
    const auto& objects = document.at("snapshot").at("objects");
    ASSERT_TRUE(objects.contains("liquibase.structure.core.Table"));
    ASSERT_TRUE(objects.contains("liquibase.structure.core.Column"));
    ASSERT_TRUE(objects.contains("liquibase.structure.core.ForeignKey"));
    const auto& key = objects["liquibase.structure.core.ForeignKey"][0]["foreignKey"];
    EXPECT_EQ(key["deleteRule"],
              "importedKeyCascade!{liquibase.structure.core.ForeignKeyConstraintType}");
    EXPECT_EQ(key["name"], "fk_child_parent");
    const auto& sequence = objects["liquibase.structure.core.Sequence"][0]["sequence"];
    EXPECT_EQ(sequence["startValue"], "100!{java.math.BigInteger}");
    EXPECT_EQ(sequence["willCycle"], true);
    bool found_name = false;
    for (const auto& item : objects["liquibase.structure.core.Column"]) {
        const auto& column = item["column"];
        if (column["name"] == "name") {
            found_name = true;
            // The database's own name for the type, as Liquibase writes it.
            EXPECT_EQ(column["type"]["typeName"], "CHARACTER VARYING");
            EXPECT_EQ(column["type"]["strataType"], "varchar(50)");
            EXPECT_EQ(column["type"]["columnSize"], "50!{java.lang.Integer}");
            EXPECT_EQ(column["defaultValue"], "it's"); // Liquibase writes the string, unquoted
            EXPECT_EQ(column["nullable"], false);
            // The column points at its table by reference.
            EXPECT_TRUE(column["relation"].get<std::string>().starts_with(
                "liquibase.structure.core.Table#"));
        }
    }
    EXPECT_TRUE(found_name);
}

TEST(SnapshotFile, YamlHoldsTheSameTree) {
    YAML::Node root = YAML::Load(write_snapshot(every_object_kind(), SnapshotFormat::Yaml));
    ASSERT_TRUE(root["snapshot"]["objects"]["liquibase.structure.core.Table"].IsSequence());
    EXPECT_EQ(root["snapshot"]["objects"]["liquibase.structure.core.Table"].size(), 2u);
    EXPECT_EQ(root["snapshot"]["database"]["shortName"].as<std::string>(), "postgresql");
}

TEST(SnapshotFile, TextNamesEveryObject) {
    std::string text = write_snapshot(every_object_kind(), SnapshotFormat::Text);
    for (const char* expected :
         {"parent", "name varchar(50) NOT NULL DEFAULT 'it''s'", "PRIMARY KEY parent_pkey (id)",
          "UNIQUE uq_parent_name_rank (name, rank)", "CHECK ck_price (price >= 0)",
          "INDEX ix_created (created DESC, id)", "UNIQUE INDEX ix_active_name (name) WHERE active",
          "FOREIGN KEY fk_child_parent (parent_id) REFERENCES parent(id) ON DELETE CASCADE",
          "v_parent: SELECT id FROM parent", "seq_orders START 100 INCREMENT 5"})
        EXPECT_NE(text.find(expected), std::string::npos) << expected << "\n" << text;
}

// tests/data/snapshots/liquibase-4.28-sqlite.json is what `liquibase snapshot
// --snapshot-format=json` wrote for:
//   create table parent(id integer primary key autoincrement,
//                       name varchar(50) not null default 'x', price decimal(10,2), unique(name));
//   create table child(id int not null, pid int references parent(id) on delete cascade,
//                      primary key(id), check (id > 0));
//   create index ix_child on child(pid desc); create view v as select id from parent;
TEST(SnapshotFile, ReadsASnapshotLiquibaseWrote) {
    std::ifstream in(std::filesystem::path(STRATA_TEST_DATA_DIR) / "snapshots" /
                     "liquibase-4.28-sqlite.json");
    std::stringstream text;
    text << in.rdbuf();
    Schema schema = parse_snapshot_json(text.str(), "liquibase-4.28-sqlite.json");
    EXPECT_EQ(schema.database, "sqlite");
    ASSERT_EQ(schema.tables.size(), 2u);
    const Table* parent = schema.table("parent");
    ASSERT_NE(parent, nullptr);
    ASSERT_EQ(parent->columns.size(), 3u);
    EXPECT_EQ(parent->columns[0].name, "id");
    EXPECT_TRUE(parent->columns[0].auto_increment);
    EXPECT_EQ(parent->columns[1].type, "varchar(50)");
    EXPECT_FALSE(parent->columns[1].nullable);
    EXPECT_EQ(parent->columns[1].default_value, "'x'");
    // What the SQLite JDBC driver reported for decimal(10,2), as Liquibase wrote it.
    EXPECT_EQ(parent->columns[2].type, "decimal(12,2)");
    ASSERT_TRUE(parent->primary_key);
    EXPECT_EQ(parent->primary_key->columns, std::vector<std::string>{"id"});

    const Table* child = schema.table("child");
    ASSERT_NE(child, nullptr);
    ASSERT_EQ(child->foreign_keys.size(), 1u);
    EXPECT_EQ(child->foreign_keys[0].columns, std::vector<std::string>{"pid"});
    EXPECT_EQ(child->foreign_keys[0].referenced_table, "parent");
    EXPECT_EQ(child->foreign_keys[0].referenced_columns, std::vector<std::string>{"id"});
    EXPECT_EQ(child->foreign_keys[0].on_delete, "CASCADE");
    // The index backing the primary key belongs to the key, not to the index list.
    ASSERT_EQ(child->indexes.size(), 1u);
    EXPECT_EQ(child->indexes[0].name, "ix_child");
    ASSERT_EQ(schema.views.size(), 1u);
    EXPECT_EQ(schema.views[0].definition, "select id from parent");
}

TEST(SnapshotFile, RefusesWhatIsNoSnapshot) {
    try {
        (void)parse_snapshot_json("{\"snapshot\": ", "broken.json");
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Parse);
        EXPECT_NE(std::string(e.what()).find("broken.json"), std::string::npos);
    }
    try {
        (void)parse_snapshot_json(R"({"tables": []})", "other.json");
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Parse);
        EXPECT_NE(std::string(e.what()).find("other.json"), std::string::npos);
    }
}

TEST(SnapshotFile, SnapshotUrlsAreRecognised) {
    EXPECT_TRUE(is_snapshot_url("snapshot:prod.json"));
    EXPECT_FALSE(is_snapshot_url("sqlite:app.db"));
    DatabaseOptions options;
    options.url = "snapshot:/nonexistent/prod.json";
    try {
        (void)read_schema(options, {});
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Usage);
        EXPECT_NE(std::string(e.what()).find("/nonexistent/prod.json"), std::string::npos);
    }
}

/// Runs a command line (the test's own fixed strings) and returns its exit status.
int run(const std::string& command) {
    return std::system(command.c_str());
}

TEST(SchemaPictures, GraphvizDrawsTheDiagram) {
    auto directory = std::filesystem::temp_directory_path() / "strata-dot-test";
    std::filesystem::create_directories(directory);
    {
        std::ofstream out(directory / "schema.dot");
        out << write_dot(every_object_kind());
    }
    // Debian's graphviz is installed by scripts/setup.sh: a missing `dot` fails here.
    ASSERT_EQ(run("dot -Tsvg " + (directory / "schema.dot").string() + " -o " +
                  (directory / "schema.svg").string()),
              0);
    std::ifstream in(directory / "schema.svg");
    std::stringstream svg;
    svg << in.rdbuf();
    for (const char* expected :
         {"parent", "child", "parent_id", "varchar(50) NOT NULL", "fk_child_parent"})
        EXPECT_NE(svg.str().find(expected), std::string::npos) << expected;
    std::filesystem::remove_all(directory);
}

TEST(SchemaPictures, ForeignKeysAreArrowsBetweenColumns) {
    std::string dot = write_dot(every_object_kind());
    EXPECT_NE(dot.find("\"child\":\"parent_id\" -> \"parent\":\"id\" [label=\"fk_child_parent\"]"),
              std::string::npos)
        << dot;
    EXPECT_NE(dot.find("<TD>PK</TD>"), std::string::npos);
}

TEST(SchemaPictures, HtmlReportEscapesAndListsEverything) {
    Schema schema = every_object_kind();
    schema.tables[0].comment = "<script>alert(1)</script>";
    HistoryRow row;
    row.id = "1";
    row.author = "ann";
    row.filename = "db.xml";
    row.order_executed = 1;
    row.exec_type = "EXECUTED";
    row.description = "createTable tableName=parent";
    std::string page = write_html_report(schema, {row}, "<svg>diagram</svg>");
    EXPECT_EQ(page.find("<script>"), std::string::npos);
    EXPECT_NE(page.find("&lt;script&gt;"), std::string::npos);
    EXPECT_NE(page.find("<svg>diagram</svg>"), std::string::npos);
    EXPECT_NE(page.find("Foreign key fk_child_parent (parent_id) references"), std::string::npos);
    EXPECT_NE(page.find("db.xml::1::ann"), std::string::npos);
    EXPECT_NE(page.find("Unique index ix_active_name (name) where active"), std::string::npos);
    EXPECT_NE(write_html_report(schema, {}, "").find("graphviz"), std::string::npos);
}

} // namespace
} // namespace strata
