// SPDX-License-Identifier: Apache-2.0
// diff, diff-changelog and generate-changelog as a user runs them, on real SQLite files built
// by `strata update` (so the history tables are there too, and must not count).
#include "test_support.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace strata::test {
namespace {

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

const char* kReferenceSql = R"x(
    CREATE TABLE team (id INTEGER PRIMARY KEY AUTOINCREMENT, label VARCHAR(20) NOT NULL UNIQUE);
    CREATE TABLE person (id INTEGER NOT NULL, name VARCHAR(50) NOT NULL DEFAULT 'x', team_id INTEGER, score DECIMAL(5,2) DEFAULT 0, CONSTRAINT pk_person PRIMARY KEY (id), CONSTRAINT fk_person_team FOREIGN KEY (team_id) REFERENCES team (id) ON DELETE CASCADE, CONSTRAINT ck_score CHECK (score >= 0));
    CREATE INDEX ix_person_name ON person (name);
    CREATE VIEW v_person AS SELECT id, name FROM person;
)x";

const char* kTargetSql = R"x(
    CREATE TABLE person (id INTEGER NOT NULL, name VARCHAR(20), legacy TEXT, CONSTRAINT pk_person PRIMARY KEY (id));
    CREATE TABLE stray (id INTEGER PRIMARY KEY);
    CREATE INDEX ix_stray ON stray (id DESC);
)x";

class DiffCli : public ::testing::Test {
protected:
    // A database built by strata update from one SQL changeset.
    void build(const std::string& database, const std::string& sql) {
        write_file(
            dir_ / (database + ".xml"),
            xml_changelog("<changeSet id=\"1\" author=\"t\"><sql>" + sql + "</sql></changeSet>"));
        CommandResult result = run_strata(
            {"update", "--url=sqlite:" + database + ".db", "--changelog-file=" + database + ".xml"},
            dir_.path());
        ASSERT_EQ(result.exit_code, 0) << result.err;
    }

    CommandResult strata(const std::vector<std::string>& args) {
        return run_strata(args, dir_.path());
    }

    CommandResult diff(const std::string& reference, const std::string& target,
                       std::vector<std::string> more = {}) {
        std::vector<std::string> args{"diff", "--reference-url=sqlite:" + reference + ".db",
                                      "--url=sqlite:" + target + ".db"};
        args.insert(args.end(), more.begin(), more.end());
        return strata(args);
    }

    // diff-changelog into `file`, applied to the target, leaves no difference.
    void diff_changelog_applies(const std::string& file) {
        SCOPED_TRACE(file);
        build("reference", kReferenceSql);
        build("target", kTargetSql);
        CommandResult written =
            strata({"diff-changelog", "--reference-url=sqlite:reference.db",
                    "--url=sqlite:target.db", "--changelog-file=" + file, "--author=ana"});
        ASSERT_EQ(written.exit_code, 0) << written.err;
        std::string text = read_file(dir_ / file);
        EXPECT_TRUE(contains(text, "ana")) << text;
        EXPECT_TRUE(contains(text, "addForeignKeyConstraint")) << text;
        EXPECT_TRUE(contains(text, "dropTable")) << text;
        CommandResult applied =
            strata({"update", "--url=sqlite:target.db", "--changelog-file=" + file});
        ASSERT_EQ(applied.exit_code, 0) << applied.err << "\n" << text;
        CommandResult same = diff("reference", "target", {"--exit-code"});
        EXPECT_EQ(same.exit_code, 0) << same.out << same.err;
        // And it rolls back: every changeset of it, leaving the target as it was.
        std::size_t changesets = 0;
        std::string marker = file.ends_with(".xml") ? "<changeSet " : "- changeSet:";
        for (auto at = text.find(marker); at != std::string::npos; at = text.find(marker, at + 1))
            ++changesets;
        ASSERT_GT(changesets, 5U);
        CommandResult rolled = strata({"rollback-count", "--count=" + std::to_string(changesets),
                                       "--url=sqlite:target.db", "--changelog-file=" + file});
        ASSERT_EQ(rolled.exit_code, 0) << rolled.err;
        build("original", kTargetSql);
        CommandResult back = diff("original", "target", {"--exit-code"});
        EXPECT_EQ(back.exit_code, 0) << back.out;
    }

    TempDir dir_;
};

TEST_F(DiffCli, ExitCodeIsZeroForTheSameSchemaAndTwoForDifferences) {
    build("reference", kReferenceSql);
    build("copy", kReferenceSql);
    build("target", kTargetSql);
    CommandResult same = diff("reference", "copy", {"--exit-code"});
    EXPECT_EQ(same.exit_code, 0) << same.err;
    EXPECT_TRUE(contains(same.out, "Missing Table(s): NONE")) << same.out;
    EXPECT_TRUE(contains(same.out, "Unexpected Table(s): NONE")) << "history tables do not count";

    CommandResult differ = diff("reference", "target", {"--exit-code"});
    EXPECT_EQ(differ.exit_code, 2) << differ.err;
    EXPECT_TRUE(contains(differ.out, "Missing Table(s): \n     team\n")) << differ.out;
    EXPECT_TRUE(contains(differ.out, "Unexpected Table(s): \n     stray\n")) << differ.out;
    EXPECT_TRUE(contains(differ.out, "Unexpected Column(s): \n     person.legacy\n"));
    EXPECT_TRUE(contains(differ.out, "type changed from 'varchar(20)' to 'varchar(50)'"))
        << differ.out;

    // Without --exit-code a difference is no failure, as in Liquibase.
    EXPECT_EQ(diff("reference", "target").exit_code, 0);
}

TEST_F(DiffCli, JsonReportAndDiffTypes) {
    build("reference", kReferenceSql);
    build("target", kTargetSql);
    CommandResult result = diff("reference", "target", {"--format=json"});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    auto json = nlohmann::json::parse(result.out);
    EXPECT_EQ(json["schemaVersion"], 1);
    EXPECT_EQ(json["command"], "diff");
    EXPECT_FALSE(json["identical"].get<bool>());
    EXPECT_EQ(json["reference"]["database"], "sqlite");
    bool team_missing = false;
    for (const auto& item : json["missing"])
        team_missing = team_missing || (item["type"] == "table" && item["name"] == "team");
    EXPECT_TRUE(team_missing) << result.out;

    CommandResult views = diff("reference", "target", {"--diff-types=views", "--exit-code"});
    EXPECT_EQ(views.exit_code, 2);
    EXPECT_FALSE(contains(views.out, "Table(s)")) << views.out;
    EXPECT_TRUE(contains(views.out, "Missing View(s): \n     v_person\n")) << views.out;

    CommandResult only_stray =
        diff("reference", "target", {"--include-objects=table:stray", "--exit-code"});
    EXPECT_EQ(only_stray.exit_code, 2);
    EXPECT_TRUE(contains(only_stray.out, "Missing Table(s): NONE")) << only_stray.out;
    EXPECT_TRUE(contains(only_stray.out, "Missing View(s): NONE")) << only_stray.out;

    CommandResult yaml = diff("reference", "target", {"--format=yaml"});
    EXPECT_EQ(yaml.exit_code, 2) << "diff has no YAML report";

    CommandResult bad = diff("reference", "target", {"--diff-types=tabels"});
    EXPECT_EQ(bad.exit_code, 2);
    EXPECT_TRUE(contains(bad.err, "tabels")) << bad.err;
}

TEST_F(DiffCli, ASnapshotFileStandsInForTheReference) {
    build("reference", kReferenceSql);
    build("copy", kReferenceSql);
    build("target", kTargetSql);
    CommandResult saved =
        strata({"snapshot", "--url=sqlite:reference.db", "--output-file=reference.json"});
    ASSERT_EQ(saved.exit_code, 0) << saved.err;
    CommandResult missing = strata(
        {"diff", "--reference-url=snapshot:nothing.json", "--url=sqlite:copy.db", "--exit-code"});
    EXPECT_EQ(missing.exit_code, 2) << "a missing snapshot file is a usage error, not a diff";
    EXPECT_TRUE(contains(missing.err, "nothing.json")) << missing.err;
    CommandResult same = strata(
        {"diff", "--reference-url=snapshot:reference.json", "--url=sqlite:copy.db", "--exit-code"});
    EXPECT_EQ(same.exit_code, 0) << same.out << same.err;
    CommandResult differ = strata({"diff", "--reference-url=snapshot:reference.json",
                                   "--url=sqlite:target.db", "--exit-code"});
    EXPECT_EQ(differ.exit_code, 2) << differ.err;
}

TEST_F(DiffCli, NoDifferenceWritesNoChangelog) {
    build("reference", kReferenceSql);
    build("copy", kReferenceSql);
    CommandResult result = strata({"diff-changelog", "--reference-url=sqlite:reference.db",
                                   "--url=sqlite:copy.db", "--changelog-file=none.xml"});
    EXPECT_EQ(result.exit_code, 0) << result.err;
    EXPECT_TRUE(contains(result.err, "No differences found")) << result.err;
    EXPECT_FALSE(std::filesystem::exists(dir_ / "none.xml"));
}

TEST_F(DiffCli, DiffWithoutReferenceIsAUsageError) {
    build("target", kTargetSql);
    CommandResult result = strata({"diff", "--url=sqlite:target.db"});
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_TRUE(contains(result.err, "--reference-url")) << result.err;
}

TEST_F(DiffCli, DiffChangelogWritesAnApplyableXmlChangelog) {
    diff_changelog_applies("diff.xml");
}

TEST_F(DiffCli, DiffChangelogWritesAnApplyableYamlChangelog) {
    diff_changelog_applies("diff.yaml");
}

TEST_F(DiffCli, DiffChangelogAppendsToAnExistingChangelog) {
    build("reference", kReferenceSql);
    build("target", kTargetSql);
    std::string existing = xml_changelog(
        "    <!-- kept as written -->\n"
        "    <changeSet id=\"mine\" author=\"me\"><tagDatabase tag=\"t1\"/></changeSet>");
    write_file(dir_ / "app.xml", existing);
    CommandResult written = strata({"diff-changelog", "--reference-url=sqlite:reference.db",
                                    "--url=sqlite:target.db", "--changelog-file=app.xml"});
    ASSERT_EQ(written.exit_code, 0) << written.err;
    std::string text = read_file(dir_ / "app.xml");
    EXPECT_TRUE(contains(text, "<!-- kept as written -->")) << text;
    EXPECT_LT(text.find("id=\"mine\""), text.find("createTable")) << text;
    CommandResult applied =
        strata({"update", "--url=sqlite:target.db", "--changelog-file=app.xml"});
    ASSERT_EQ(applied.exit_code, 0) << applied.err;
    EXPECT_EQ(diff("reference", "target", {"--exit-code"}).exit_code, 0);
}

TEST_F(DiffCli, DiffChangelogAppendsToYamlAndJsonChangelogsInTheirOwnStyle) {
    build("reference", kReferenceSql);
    // Items at column 0, as many hand-written YAML changelogs have them.
    write_file(dir_ / "app.yaml", "databaseChangeLog:\n"
                                  "- changeSet:\n"
                                  "    id: mine\n"
                                  "    author: me\n"
                                  "    changes:\n"
                                  "    - tagDatabase:\n"
                                  "        tag: t1\n");
    write_file(dir_ / "app.json",
               R"({"databaseChangeLog": [{"changeSet": {"id": "mine", )"
               R"("author": "me", "changes": [{"tagDatabase": {"tag": "t1"}}]}}]})");
    for (const std::string file : {"app.yaml", "app.json"}) {
        SCOPED_TRACE(file);
        std::string target = "target-" + file.substr(4);
        build(target, kTargetSql);
        CommandResult written =
            strata({"diff-changelog", "--reference-url=sqlite:reference.db",
                    "--url=sqlite:" + target + ".db", "--changelog-file=" + file});
        ASSERT_EQ(written.exit_code, 0) << written.err;
        std::string text = read_file(dir_ / file);
        EXPECT_LT(text.find("mine"), text.find("createTable")) << text;
        CommandResult applied =
            strata({"update", "--url=sqlite:" + target + ".db", "--changelog-file=" + file});
        ASSERT_EQ(applied.exit_code, 0) << applied.err << text;
        EXPECT_EQ(diff("reference", target, {"--exit-code"}).exit_code, 0);
    }
}

TEST_F(DiffCli, GenerateChangelogRecreatesTheDatabaseAndNeverOverwrites) {
    build("reference", kReferenceSql);
    CommandResult generated =
        strata({"generate-changelog", "--url=sqlite:reference.db", "--changelog-file=gen.yaml"});
    ASSERT_EQ(generated.exit_code, 0) << generated.err;
    std::string text = read_file(dir_ / "gen.yaml");
    EXPECT_TRUE(contains(text, "(generated)")) << text;
    EXPECT_FALSE(contains(text, "DATABASECHANGELOG")) << "history tables are not schema";
    CommandResult applied =
        strata({"update", "--url=sqlite:fresh.db", "--changelog-file=gen.yaml"});
    ASSERT_EQ(applied.exit_code, 0) << applied.err << text;
    EXPECT_EQ(diff("reference", "fresh", {"--exit-code"}).exit_code, 0);

    CommandResult again =
        strata({"generate-changelog", "--url=sqlite:reference.db", "--changelog-file=gen.yaml"});
    EXPECT_EQ(again.exit_code, 2);
    EXPECT_TRUE(contains(again.err, "already exists")) << again.err;
    EXPECT_EQ(read_file(dir_ / "gen.yaml"), text);
    CommandResult overwrite = strata({"generate-changelog", "--url=sqlite:reference.db",
                                      "--changelog-file=gen.yaml", "--overwrite-output-file"});
    EXPECT_EQ(overwrite.exit_code, 0) << overwrite.err;
}

// A .sql changelog is Liquibase formatted SQL: each changeset holds the statements the target's
// dialect renders, and applying it recreates the database. A change SQLite can only make by
// rebuilding a table (a constraint added to an existing one) is refused with the change named.
TEST_F(DiffCli, GenerateChangelogWritesFormattedSqlInTheTargetsDialect) {
    build("plain", "CREATE TABLE team (id INTEGER NOT NULL, label VARCHAR(20), CONSTRAINT pk_team "
                   "PRIMARY KEY (id)); CREATE INDEX ix_team_label ON team (label); CREATE VIEW "
                   "v_team AS SELECT id, label FROM team;");
    CommandResult generated =
        strata({"generate-changelog", "--url=sqlite:plain.db", "--changelog-file=gen.sql"});
    ASSERT_EQ(generated.exit_code, 0) << generated.err;
    std::string text = read_file(dir_ / "gen.sql");
    EXPECT_TRUE(contains(text, "-- liquibase formatted sql")) << text;
    EXPECT_TRUE(contains(text, "CREATE TABLE team")) << text;
    EXPECT_TRUE(contains(text, "CREATE INDEX ix_team_label ON team")) << text;
    CommandResult applied = strata({"update", "--url=sqlite:fresh.db", "--changelog-file=gen.sql"});
    ASSERT_EQ(applied.exit_code, 0) << applied.err << text;
    EXPECT_EQ(diff("plain", "fresh", {"--exit-code"}).exit_code, 0);

    build("reference", kReferenceSql);
    CommandResult rebuild =
        strata({"generate-changelog", "--url=sqlite:reference.db", "--changelog-file=ref.sql"});
    EXPECT_NE(rebuild.exit_code, 0);
    EXPECT_TRUE(contains(rebuild.err, "needs the live database")) << rebuild.err;
    EXPECT_FALSE(std::filesystem::exists(dir_ / "ref.sql"));
}

} // namespace
} // namespace strata::test
