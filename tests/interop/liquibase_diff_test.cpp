// SPDX-License-Identifier: Apache-2.0
// A changelog strata generates is one the real Liquibase 4.28 runs: generate-changelog reads a
// developer's SQLite schema, Liquibase applies the changelog to PostgreSQL, and strata's diff
// of the two databases finds nothing. Needs STRATA_LIQUIBASE and STRATA_TEST_PG_URL
// (scripts/test.sh sets both); FAILS without.
#include "test_support.hpp"

#include <cstdlib>
#include <gtest/gtest.h>
#include <regex>
#include <unistd.h>

namespace strata::test {
namespace {

// Every kind generate-changelog writes that Liquibase Community runs (checks are Liquibase
// Pro's). PostgreSQL stores the view rewritten, with table qualifiers: no difference either.
const char* kSchema = R"x(
    CREATE TABLE parent (id INTEGER PRIMARY KEY AUTOINCREMENT, name VARCHAR(40) NOT NULL DEFAULT 'none', code CHAR(2) UNIQUE, active BOOLEAN DEFAULT 1, price DECIMAL(12, 2) DEFAULT 0, born DATE, seen TIMESTAMP DEFAULT CURRENT_TIMESTAMP);
    CREATE TABLE child (id INTEGER NOT NULL, parent_id INTEGER, note VARCHAR(100), big BIGINT, CONSTRAINT pk_child PRIMARY KEY (id), CONSTRAINT fk_child_parent FOREIGN KEY (parent_id) REFERENCES parent (id) ON DELETE CASCADE, CONSTRAINT uq_child UNIQUE (note, big));
    CREATE INDEX ix_child_note ON child (note DESC, big);
    CREATE UNIQUE INDEX ix_parent_lower ON parent (lower(name));
    CREATE VIEW v_child AS SELECT id, note FROM child WHERE big > 0;
)x";

TEST(LiquibaseDiff, LiquibaseRunsWhatGenerateChangelogWrites) {
    const char* launcher = std::getenv("STRATA_LIQUIBASE");
    const char* url = std::getenv("STRATA_TEST_PG_URL");
    if (launcher == nullptr || url == nullptr)
        FAIL() << "STRATA_LIQUIBASE and STRATA_TEST_PG_URL must be set; scripts/test.sh sets both";
    std::smatch m;
    std::string text = url;
    ASSERT_TRUE(std::regex_search(
        text, m, std::regex(R"(^postgresql://([^:]+):([^@]+)@([^:/]+):(\d+)/([^?]+))")));
    std::string user = m[1], password = m[2], host = m[3], port = m[4], database = m[5];
    TempDir dir;
    auto psql = [&](const std::string& sql) {
        return run_program("psql",
                           {"-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", host, "-p", port, "-U",
                            user, "-d", database, "-c", sql},
                           dir.path(), {{"PGPASSWORD", password}});
    };
    std::string schema = "lb_diff_" + std::to_string(getpid());
    ASSERT_EQ(psql("CREATE SCHEMA " + schema).exit_code, 0);

    write_file(dir / "dev.xml", xml_changelog("<changeSet id=\"1\" author=\"t\"><sql>" +
                                              std::string(kSchema) + "</sql></changeSet>"));
    CommandResult built =
        run_strata({"update", "--url=sqlite:dev.db", "--changelog-file=dev.xml"}, dir.path());
    ASSERT_EQ(built.exit_code, 0) << built.err;
    CommandResult generated = run_strata(
        {"generate-changelog", "--url=sqlite:dev.db", "--changelog-file=schema.xml"}, dir.path());
    ASSERT_EQ(generated.exit_code, 0) << generated.err;

    CommandResult applied = run_program(
        launcher,
        {"--show-banner=false", "--changelog-file=schema.xml",
         "--url=jdbc:postgresql://" + host + ":" + port + "/" + database +
             "?currentSchema=" + schema,
         "--username=" + user, "--password=" + password, "update"},
        dir.path(), {{"LIQUIBASE_HOME", std::filesystem::path(launcher).parent_path()}});
    EXPECT_EQ(applied.exit_code, 0) << applied.out << applied.err;

    CommandResult diff = run_strata({"diff", "--reference-url=sqlite:dev.db",
                                     "--url=postgresql://" + host + ":" + port + "/" + database +
                                         "?sslmode=disable&currentSchema=" + schema,
                                     "--username=" + user, "--exit-code"},
                                    dir.path(), {{"STRATA_PASSWORD", password}});
    EXPECT_EQ(diff.exit_code, 0) << diff.out << diff.err;
    psql("DROP SCHEMA " + schema + " CASCADE");
}

} // namespace
} // namespace strata::test
