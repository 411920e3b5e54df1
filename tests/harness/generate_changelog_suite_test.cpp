// SPDX-License-Identifier: Apache-2.0
// Liquibase's own generateChangelog suite (../shared/liquibase-test-harness/generateChangelog),
// judged by database state: each changelog of expectedChangeLog/ is applied, as Liquibase's
// runner applies it, with `strata update` to a fresh scratch database A seeded from init/;
// `strata generate-changelog` writes A's schema; that changelog, applied with `strata update`
// to an empty scratch database B, must recreate A (`strata diff --exit-code` finds nothing);
// and the generated changelog must hold every object the expected changelog creates (table,
// columns with their type family, keys, constraints and indexes with their names, sequences,
// views), whichever change writes it (a primary key inside createTable counts as addPrimaryKey).
// The seed's own tables are judged once, by the case `init` (the seed alone), and left out
// of the other cases' diff. XML and formatted SQL run for every case, YAML and JSON for one.
// The real Liquibase generates A's changelog too (one JVM for all cases, without the seed's
// tables as Liquibase's runner does, nor strata's own): the objects of its changelog and of
// strata's must agree. generate-changelog-allow-list.txt lists the cases not run (`skip`) and the
// deliberate differences, each with its reason; an entry that no longer matches fails. Needs the
// servers of scripts/start-servers.sh (FAILS without).
#include "harness_support.hpp"
#include "test_support.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <iostream>
#include <memory>
#include <optional>
#include <set>
#include <strata/core/open_database.hpp>
#include <strata/format/parse.hpp>
#include <strata/snapshot.hpp>
#include <strata/text.hpp>

namespace strata::test {
namespace {

namespace fs = std::filesystem;

const fs::path kSuite = harness_root() / "generateChangelog";
const fs::path kAllowList = fs::path(STRATA_HARNESS_DIR) / "generate-changelog-allow-list.txt";
// The case that also runs through the YAML and JSON writers: it has every kind of key.
const std::string kEveryFormatCase = "addForeignKey";
// The tables of the harness's init/ seed, which every case starts from.
const std::string kSeedTables = "authors,posts";
// What Liquibase's generateChangelog leaves out: the seed (as Liquibase's own runner does) and
// strata's own tables, which strata never reports. Whole names: a pattern also matches the
// scratch schema's name.
const std::string kLiquibaseExcludes =
    "(?i)posts, (?i)authors, (?i)strata_changeset_progress, (?i)strata_rollback_capture";

/// One object a changelog creates: what identifies it apart from its name, and the name
/// (empty when the changelog leaves it to the database).
struct SchemaObject {
    std::string key;
    std::string name;
};

std::string columns_of(std::string list) {
    list.erase(std::remove(list.begin(), list.end(), ' '), list.end());
    return to_lower(list);
}

/// "INT", "integer", "int4" -> int; "varchar(25)", "character varying" -> varchar: the
/// portable type without its size (a database may widen or drop it).
std::string type_family(const std::string& type) {
    std::string portable = snapshot::portable_type(type);
    return portable.substr(0, portable.find('('));
}

std::vector<SchemaObject> objects_of(const Changelog& changelog) {
    std::vector<SchemaObject> objects;
    auto add = [&](const std::string& key, const std::string& name) {
        objects.push_back({to_lower(key), to_lower(name)});
    };
    for (const ChangeSet& changeset : changelog.changesets)
        for (const Change& change : changeset.changes) {
            const std::string kind(change.type_name());
            const std::string table = change.value("tableName");
            if (kind == "createTable")
                add("table " + table, "");
            if (kind == "createTable" || kind == "addColumn") {
                std::string primary_key, primary_key_name;
                for (const Column& column : change.columns) {
                    add("column " + table + "." + column.name() + " " +
                            type_family(column.get("type") ? *column.get("type") : ""),
                        "");
                    if (column.constraint_flag("primaryKey")) {
                        primary_key += (primary_key.empty() ? "" : ",") + column.name();
                        if (const std::string* name = column.constraint("primaryKeyName"))
                            primary_key_name = *name;
                    }
                    if (column.constraint_flag("unique")) {
                        const std::string* name = column.constraint("uniqueConstraintName");
                        add("unique " + table + "(" + columns_of(column.name()) + ")",
                            name ? *name : "");
                    }
                }
                if (!primary_key.empty())
                    add("primaryKey " + table + "(" + columns_of(primary_key) + ")",
                        primary_key_name);
            } else if (kind == "addPrimaryKey") {
                add("primaryKey " + table + "(" + columns_of(change.value("columnNames")) + ")",
                    change.value("constraintName"));
            } else if (kind == "addUniqueConstraint") {
                add("unique " + table + "(" + columns_of(change.value("columnNames")) + ")",
                    change.value("constraintName"));
            } else if (kind == "addForeignKeyConstraint") {
                add("foreignKey " + change.value("baseTableName") + "(" +
                        columns_of(change.value("baseColumnNames")) + ") -> " +
                        change.value("referencedTableName") + "(" +
                        columns_of(change.value("referencedColumnNames")) + ")",
                    change.value("constraintName"));
            } else if (kind == "createIndex") {
                std::string columns;
                for (const Column& column : change.columns)
                    columns += (columns.empty() ? "" : ",") + column.name();
                add("index " + change.value("indexName") + " " + table + "(" + columns_of(columns) +
                        ")",
                    "");
            } else if (kind == "createSequence") {
                add("sequence " + change.value("sequenceName"), "");
            } else if (kind == "createView") {
                add("view " + change.value("viewName"), "");
            } else if (kind == "addCheckConstraint") {
                add("check " + table, change.value("constraintName"));
            }
        }
    return objects;
}

/// What `expected` creates and `generated` lacks, as "key name" lines. A name `expected` gives
/// must be there too; with `names_both_sides`, only where `generated` names the object as well
/// (Liquibase leaves some names out, a column's unique="true" for one).
std::vector<std::string> missing_objects(const fs::path& expected, const fs::path& generated,
                                         bool names_both_sides = false) {
    std::vector<SchemaObject> have = objects_of(format::parse_changelog(generated));
    std::vector<std::string> missing;
    for (const SchemaObject& want : objects_of(format::parse_changelog(expected)))
        if (std::ranges::none_of(have, [&](const SchemaObject& object) {
                return object.key == want.key && (want.name.empty() || object.name == want.name ||
                                                  (names_both_sides && object.name.empty()));
            }))
            missing.push_back("missing " + want.key + (want.name.empty() ? "" : " " + want.name));
    return missing;
}

/// A fresh database: a SQLite file in `dir`, else a scratch schema or database of its own.
class Scratch {
public:
    Scratch(const std::string& db, const fs::path& dir, const std::string& name) : db_(db) {
        if (db == "sqlite") {
            url_ = "sqlite:" + (dir / (name + ".db")).string();
            return;
        }
        server_.emplace(db == "postgresql" ? "postgresql" : "mysql");
        if (server_->ok())
            url_ = server_->url();
    }
    [[nodiscard]] bool ok() const { return !url_.empty(); }
    [[nodiscard]] const std::string& url() const { return url_; }
    /// The same database as the real Liquibase reaches it.
    [[nodiscard]] std::string jdbc_url() const {
        return server_ ? harness_jdbc_url(db_, *server_).url
                       : "jdbc:sqlite:" + url_.substr(std::string("sqlite:").size());
    }
    [[nodiscard]] std::string user() const {
        return server_ ? harness_jdbc_url(db_, *server_).user : "";
    }
    [[nodiscard]] std::string password() const {
        return server_ ? harness_jdbc_url(db_, *server_).password : "";
    }

    /// Runs the harness's init/ seed (tables authors and posts).
    void seed() {
        if (server_) {
            for (const std::string& statement : seed_statements(db_))
                server_->admin().execute(statement);
            return;
        }
        DatabaseOptions options;
        options.url = url_;
        options.plugin_dirs = {STRATA_PLUGIN_DIR};
        Database database = open_database(options);
        for (const std::string& statement : seed_statements(db_))
            database.connection().execute(statement);
    }

private:
    std::string db_;
    std::string url_;
    std::optional<ServerScratch> server_;
};

/// One generateChangelog case. Without a changelog (the `init` case) the seed alone goes
/// round; with one, the seed's tables are left out of the diff (the `init` case judges them
/// once) and of what the real Liquibase generates, as Liquibase's own runner leaves them out.
class GenerateCase {
public:
    GenerateCase(std::string db, std::optional<fs::path> changelog)
        : db_(std::move(db)), changelog_(std::move(changelog)),
          source_(db_, dir_.path(), "source") {}

    /// Builds database A: the seed, then the harness changelog by `strata update`.
    void prepare() {
        if (!source_.ok()) {
            problems_.push_back("no test server");
            return;
        }
        source_.seed();
        if (!changelog_)
            return;
        fs::copy_file(*changelog_, dir_ / changelog_->filename());
        CommandResult update = run_strata({"--changelog-file=" + changelog_->filename().string(),
                                           "--url=" + source_.url(), "update"},
                                          dir_.path());
        if (update.exit_code != 0)
            problems_.push_back("update of the harness changelog failed: " + update.err);
    }

    /// The LiquibaseDriver job that has the real Liquibase generate A's changelog.
    [[nodiscard]] std::string liquibase_job() const {
        return fmt::format("generateChangelog\t{}\t{}\t{}\t{}\t{}\t0\t{}\n", dir_.path().string(),
                           liquibase_output().string(), source_.jdbc_url(), source_.user(),
                           source_.password(), kLiquibaseExcludes);
    }
    [[nodiscard]] bool compares_with_liquibase() const { return changelog_ && problems_.empty(); }

    /// Generates A's changelog in each format, applies it to an empty database B, and checks;
    /// `liquibase` is the driver's outcome of liquibase_job(). Returns the problems, each
    /// prefixed with its format (or `liquibase`) when it concerns one.
    std::vector<std::string> check(const std::vector<std::string>& extensions,
                                   const std::string& liquibase) {
        if (!problems_.empty())
            return problems_;
        for (const std::string& extension : extensions)
            round_trip(extension);
        if (compares_with_liquibase())
            compare_with_liquibase(liquibase);
        return problems_;
    }

private:
    [[nodiscard]] fs::path liquibase_output() const { return dir_ / "liquibase.xml"; }

    void round_trip(const std::string& extension) {
        const std::string out = "generated." + extension;
        CommandResult generated =
            run_strata({"generate-changelog", "--url=" + source_.url(), "--changelog-file=" + out},
                       dir_.path());
        if (generated.exit_code != 0) {
            problems_.push_back(extension + ": generate-changelog failed: " + generated.err);
            return;
        }
        // Formatted SQL holds raw SQL, no objects to read: its round trip below judges it.
        if (changelog_ && extension != "sql")
            for (const std::string& missing : missing_objects(*changelog_, dir_ / out))
                problems_.push_back(extension + ": " + missing);
        Scratch copy(db_, dir_.path(), "copy_" + extension);
        if (!copy.ok()) {
            problems_.push_back("no test server");
            return;
        }
        CommandResult applied =
            run_strata({"--changelog-file=" + out, "--url=" + copy.url(), "update"}, dir_.path());
        if (applied.exit_code != 0) {
            problems_.push_back(extension +
                                ": update with the generated changelog failed: " + applied.err);
            return;
        }
        std::vector<std::string> diff_args{"diff", "--reference-url=" + source_.url(),
                                           "--url=" + copy.url(), "--exit-code"};
        if (changelog_)
            diff_args.push_back("--exclude-objects=" + kSeedTables);
        CommandResult diff = run_strata(diff_args, dir_.path());
        if (diff.exit_code != 0)
            problems_.push_back(extension + ": the recreated database differs:\n" + diff.out +
                                diff.err);
    }

    /// The objects of strata's changelog (without the seed) and of Liquibase's must agree.
    void compare_with_liquibase(const std::string& outcome) {
        if (outcome != "OK" || !fs::exists(liquibase_output())) {
            problems_.push_back("liquibase: generateChangelog wrote no changelog: " + outcome);
            return;
        }
        CommandResult generated =
            run_strata({"generate-changelog", "--url=" + source_.url(),
                        "--changelog-file=without_seed.xml", "--exclude-objects=" + kSeedTables},
                       dir_.path());
        if (generated.exit_code != 0) {
            problems_.push_back("liquibase: generate-changelog --exclude-objects failed: " +
                                generated.err);
            return;
        }
        for (const std::string& missing :
             missing_objects(liquibase_output(), dir_ / "without_seed.xml", true))
            problems_.push_back("liquibase: Liquibase writes, strata " + missing);
        for (const std::string& missing :
             missing_objects(dir_ / "without_seed.xml", liquibase_output(), true))
            problems_.push_back("liquibase: strata writes, Liquibase " + missing);
    }

    std::string db_;
    std::optional<fs::path> changelog_;
    TempDir dir_;
    Scratch source_;
    std::vector<std::string> problems_;
};

class GenerateChangelogSuite : public ::testing::TestWithParam<std::string> {};

TEST_P(GenerateChangelogSuite, GeneratedChangelogRecreatesTheDatabase) {
    const std::string db = GetParam();
    std::set<std::string> names;
    for (const fs::path& folder : {kSuite / "expectedChangeLog", kSuite / "expectedChangeLog" / db})
        if (fs::is_directory(folder))
            for (const auto& entry : fs::directory_iterator(folder))
                if (entry.is_regular_file())
                    names.insert(entry.path().filename().string());
    ASSERT_FALSE(names.empty()) << "no generateChangelog suite at " << kSuite;

    std::set<std::string> allow = allow_list(kAllowList);
    std::set<std::string> stems{"init"}; // the seed alone: the case without a changelog
    for (const std::string& name : names)
        stems.insert(fs::path(name).stem().string());
    const char* launcher = std::getenv("STRATA_LIQUIBASE");
    ASSERT_TRUE(launcher != nullptr && *launcher != '\0')
        << "STRATA_LIQUIBASE is not set: tests/interop/setup_liquibase.sh prints it";

    // Every database A first, so that one JVM has Liquibase generate all their changelogs.
    std::vector<std::pair<std::string, std::unique_ptr<GenerateCase>>> cases;
    for (const std::string& stem : stems) {
        if (allow.contains("skip * " + stem) || allow.contains("skip " + db + " " + stem))
            continue;
        std::optional<fs::path> changelog;
        if (stem != "init") {
            changelog = pick(kSuite / "expectedChangeLog", db, harness_version(db), stem + ".xml");
            ASSERT_TRUE(changelog) << stem;
        }
        cases.emplace_back(stem, std::make_unique<GenerateCase>(db, changelog));
        cases.back().second->prepare();
    }
    std::string jobs;
    for (const auto& [stem, run] : cases)
        if (run->compares_with_liquibase())
            jobs += run->liquibase_job();
    TempDir work;
    std::string driver_error;
    std::vector<std::string> outcomes =
        run_liquibase_driver(launcher, jobs, work / "generateChangelog", driver_error);
    EXPECT_EQ(driver_error, "");

    int passed = 0, checked = 0;
    std::vector<std::string> failures;
    std::size_t job = 0;
    for (const auto& [stem, run] : cases) {
        ++checked;
        std::string liquibase = "not run";
        if (run->compares_with_liquibase() && job < outcomes.size())
            liquibase = outcomes[job++];
        std::vector<std::string> extensions{"xml", "sql"};
        if (stem == kEveryFormatCase)
            extensions = {"xml", "sql", "yaml", "json"};
        std::vector<std::string> problems = run->check(extensions, liquibase);
        // `db case` tolerates any problem of the case, `db case ext` those of one format.
        const std::string entry = db + " " + stem;
        std::set<std::string> tolerating;
        std::vector<std::string> untolerated;
        for (const std::string& problem : problems) {
            const std::string format_entry = entry + " " + problem.substr(0, problem.find(':'));
            if (allow.contains(entry))
                tolerating.insert(entry);
            else if (allow.contains(format_entry))
                tolerating.insert(format_entry);
            else
                untolerated.push_back(problem);
        }
        if (problems.empty())
            ++passed;
        for (const std::string& listed : allow)
            if ((listed == entry || listed.rfind(entry + " ", 0) == 0) &&
                !tolerating.contains(listed))
                ADD_FAILURE() << "`" << listed
                              << "` matches no problem: remove it from "
                                 "generate-changelog-allow-list.txt";
        if (!untolerated.empty()) {
            std::string text = entry + ":";
            for (const std::string& problem : untolerated)
                text += "\n    " + problem;
            failures.push_back(text);
        }
    }
    std::cout << "[ generateChangelog suite ] harness generateChangelog " << db << ": " << passed
              << "/" << checked
              << " recreate the database, hold the expected objects and agree with Liquibase's\n";
    EXPECT_GT(checked, 0);
    for (const std::string& failure : failures)
        ADD_FAILURE() << failure;
    // A skip must name a case of the suite: of this database, or (`*`) of any.
    for (const std::string& entry : allow) {
        const std::string stem = entry.substr(entry.rfind(' ') + 1);
        bool names_a_case =
            entry.rfind("skip " + db + " ", 0) == 0 ? stems.contains(stem)
            : entry.rfind("skip * ", 0) == 0
                ? std::ranges::any_of(
                      fs::recursive_directory_iterator(kSuite / "expectedChangeLog"),
                      [&](const fs::directory_entry& file) { return file.path().stem() == stem; })
                : true;
        EXPECT_TRUE(names_a_case) << "generate-changelog-allow-list.txt: `" << entry
                                  << "` names no case of the suite";
    }
}

INSTANTIATE_TEST_SUITE_P(Databases, GenerateChangelogSuite,
                         ::testing::Values("sqlite", "postgresql", "mariadb"),
                         [](const auto& param_info) { return param_info.param; });

} // namespace
} // namespace strata::test
