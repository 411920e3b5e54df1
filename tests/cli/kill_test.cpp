// SPDX-License-Identifier: Apache-2.0
// Kill tests: `strata update` is SIGKILLed at random points, ten times per database, and the
// next run must converge to exactly what an uninterrupted update gives: the same schema, the
// same data, every changeset recorded once, no stuck lock, validate clean. On MariaDB, where
// DDL commits by itself, the documented way on is `update --resume=auto`; it is used on
// every database, where it changes nothing unless a run was interrupted. Needs the servers of
// scripts/start-servers.sh (FAILS without).
#include "test_support.hpp"

#include <chrono>
#include <csignal>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace strata::test {
namespace {

constexpr int kKills = 10;
constexpr int kTables = 30;

/// Tables, columns, indexes and rows: each kind strata can check after a kill.
std::string changelog() {
    std::string body;
    for (int t = 0; t < kTables; ++t) {
        body += fmt::format(R"x(<changeSet id="t{0}" author="kill"><createTable tableName="k{0}">
            <column name="id" type="int"><constraints primaryKey="true"/></column>
            <column name="name" type="varchar(40)"/></createTable></changeSet>
            <changeSet id="c{0}" author="kill">
            <addColumn tableName="k{0}"><column name="extra" type="int"/></addColumn>
            <createIndex tableName="k{0}" indexName="ix_k{0}"><column name="name"/></createIndex>
            <insert tableName="k{0}"><column name="id" valueNumeric="1"/><column name="name" value="a"/></insert>
            <insert tableName="k{0}"><column name="id" valueNumeric="2"/><column name="name" value="b"/></insert>
            </changeSet>)x",
                            t);
    }
    return xml_changelog(body);
}

class Kill : public ::testing::TestWithParam<std::string> {
protected:
    void SetUp() override {
        write_file(dir_ / "app.xml", changelog());
        if (GetParam() == "sqlite") {
            url_ = "sqlite:" + (dir_ / "killed.db").string();
            reference_url_ = "sqlite:" + (dir_ / "reference.db").string();
            return;
        }
        killed_.emplace(GetParam());
        reference_.emplace(GetParam());
        ASSERT_TRUE(killed_->ok() && reference_->ok());
        url_ = killed_->url();
        reference_url_ = reference_->url();
    }

    CommandResult strata(const std::string& url, std::vector<std::string> args) {
        args.insert(args.begin(), {"--changelog-file=app.xml", "--url=" + url});
        return run_strata(args, dir_.path());
    }

    /// Everything but the history's dates and deployment ids, as text to compare.
    std::string state(const std::string& url) {
        CommandResult schema =
            run_strata({"--url=" + url, "snapshot", "--snapshot-format=txt"}, dir_.path());
        EXPECT_EQ(schema.exit_code, 0) << schema.err;
        std::string text = schema.out.substr(schema.out.find("Tables"));
        CommandResult history = strata(url, {"history", "--format=json"});
        EXPECT_EQ(history.exit_code, 0) << history.err;
        auto rows = nlohmann::json::parse(history.out)["changesets"];
        for (const auto& row : rows)
            text +=
                fmt::format("\n{} {} {}", row["id"].get<std::string>(),
                            row["execType"].get<std::string>(), row["md5sum"].get<std::string>());
        return text;
    }

    TempDir dir_;
    std::optional<ServerScratch> killed_, reference_;
    std::string url_, reference_url_;
};

TEST_P(Kill, UpdatesKilledAtRandomConvergeToTheUninterruptedResult) {
    auto started = std::chrono::steady_clock::now();
    ASSERT_EQ(strata(reference_url_, {"update"}).exit_code, 0);
    auto whole_run = std::chrono::steady_clock::now() - started;
    // Each run goes on where the last one was killed: a kill after about 1/(kKills + 2) of a
    // whole run, give or take half, leaves work for the next one.
    std::mt19937 random(std::random_device{}());
    std::uniform_real_distribution<double> share(0.5, 1.5);
    auto delay = [&] {
        return std::chrono::duration_cast<std::chrono::microseconds>(whole_run * share(random) /
                                                                     (kKills + 2));
    };
    int killed_midway = 0;
    for (int kill = 0; kill < kKills; ++kill) {
        pid_t child = fork();
        ASSERT_GE(child, 0);
        if (child == 0) {
            ::chdir(dir_.path().c_str());
            std::string url = "--url=" + url_;
            execl(STRATA_CLI_PATH, STRATA_CLI_PATH, "--changelog-file=app.xml", url.c_str(),
                  "--log-level=severe", "update", "--resume=auto", static_cast<char*>(nullptr));
            _exit(127);
        }
        std::this_thread::sleep_for(delay());
        ::kill(child, SIGKILL);
        int status = 0;
        waitpid(child, &status, 0);
        if (WIFSIGNALED(status))
            ++killed_midway;
        else
            ASSERT_EQ(WEXITSTATUS(status), 0)
                << "a run that was not killed failed (kill " << kill << ")";
    }
    CommandResult finish = strata(url_, {"update", "--resume=auto"});
    ASSERT_EQ(finish.exit_code, 0) << finish.err;
    EXPECT_EQ(strata(url_, {"validate"}).exit_code, 0);
    CommandResult locks = strata(url_, {"list-locks", "--format=json"});
    EXPECT_EQ(nlohmann::json::parse(locks.out)["locked"], false) << locks.out;
    EXPECT_EQ(state(url_), state(reference_url_));
    std::cout << "[ kills ] " << GetParam() << ": " << killed_midway << " of " << kKills
              << " runs killed midway, converged\n";
    EXPECT_GT(killed_midway, 0) << "no run was ever killed midway: the test proved nothing";
}

INSTANTIATE_TEST_SUITE_P(Databases, Kill, ::testing::Values("sqlite", "postgresql", "mysql"),
                         [](const auto& param_info) { return param_info.param; });

} // namespace
} // namespace strata::test
