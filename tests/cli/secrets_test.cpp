// SPDX-License-Identifier: Apache-2.0
// Issue 12, the secrets matrix: a login of its own on each server, with a password holding
// every URL delimiter ("@ ? : / % #") or a single letter ("e"), given through every channel
// strata reads (the URL percent-encoded, its password= parameter, --password, STRATA_PASSWORD,
// Liquibase's variables, a defaults file) to every command of the command table, at every
// log level, as text and as JSON, to stdout and to --output-file, succeeding and failing
// (wrong password, unreachable port, bad SQL). Everything the runs leave is searched: stdout,
// stderr, the output files, every file written in the working directory and every row of
// every table in the database. The password never appears, and masking never garbles a
// message: "*****" stands only where a URL held the password. Needs the servers of
// scripts/start-servers.sh (FAILS without).
#include "test_support.hpp"

#include <chrono>
#include <filesystem>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <gtest/gtest.h>
#include <set>
#include <strata/dialect.hpp>
#include <strata/error.hpp>
#include <string_view>
#include <thread>

namespace strata::test {
namespace {

struct Probe {
    const char* dialect; ///< "postgresql" or "mysql"
    const char* password;
};

std::string percent_encode(std::string_view text) {
    std::string out;
    for (unsigned char c : text) {
        if (std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.' || c == '~')
            out += static_cast<char>(c);
        else
            out += fmt::format("%{:02X}", c);
    }
    return out;
}

// One command of the command table, with the arguments it needs to do something.
struct Command {
    std::string name;
    std::vector<std::string> arguments;
    bool json = true;   ///< takes --format=json
    bool server = true; ///< connects to --url (calculate-checksum only loads the dialect)
};

std::vector<Command> every_command() {
    return {
        {"update", {}},
        {"status", {"--verbose"}},
        {"history", {}},
        {"validate", {}},
        {"tag", {"--tag=t2"}},
        {"tag-exists", {"--tag=t2"}},
        {"update-sql", {}},
        {"update-count-sql", {"--count=1"}},
        {"update-to-tag-sql", {"--tag=t1"}},
        {"rollback-sql", {"--tag=t1"}},
        {"rollback-count-sql", {"--count=1"}},
        {"rollback-to-date-sql", {"--date=2000-01-01"}},
        {"future-rollback-sql", {}},
        {"future-rollback-count-sql", {"--count=1"}},
        {"changelog-sync-sql", {}},
        {"changelog-sync-to-tag-sql", {"--tag=t1"}},
        {"calculate-checksum", {"--changeset-identifier=app.xml::1::a"}, true, false},
        {"list-locks", {}},
        {"release-locks", {}},
        {"unexpected-changesets", {"--verbose"}},
        {"drift", {}},
        {"diff", {}},
        {"diff-changelog", {}, false},
        {"generate-changelog", {}, false},
        {"snapshot", {"--snapshot-format=json"}, false},
        {"db-doc", {}, false},
        {"rollback-count", {"--count=1"}},
        {"update-count", {"--count=1"}},
        {"rollback", {"--tag=t1"}},
        {"update-to-tag", {"--tag=t1"}},
        {"rollback-to-date", {"--date=2000-01-01"}},
        {"changelog-sync", {}},
        {"mark-next-changeset-ran", {}},
        {"clear-checksums", {}},
        {"changelog-sync-to-tag", {"--tag=t1"}},
        {"update-testing-rollback", {}, false},
        {"flyway-takeover", {}},
        {"plugins", {}, true, false},
        {"convert", {"--output-file=converted.yaml"}, true, false},
        {"completion", {"bash"}, false, false},
        {"man", {}, false, false},
    };
}

// How the password reaches strata.
enum class Channel { UrlUserInfo, UrlParameter, PasswordFlag, StrataVariable, Liquibase, File };
constexpr Channel kChannels[] = {Channel::UrlUserInfo,  Channel::UrlParameter,
                                 Channel::PasswordFlag, Channel::StrataVariable,
                                 Channel::Liquibase,    Channel::File};
constexpr const char* kLevels[] = {"off",  "severe", "warning", "info",   "config",
                                   "fine", "debug",  "finer",   "finest", "all"};

class Secrets : public ::testing::TestWithParam<Probe> {
protected:
    void SetUp() override {
        password_ = GetParam().password;
        scratch_ = std::make_unique<ServerScratch>(GetParam().dialect);
        ASSERT_TRUE(scratch_->ok());
        ServerUrl base = parse_server_url(scratch_->url());
        mysql_ = base.scheme != "postgresql";
        user_ = fmt::format("strata_sec_{}", scratch_->name().substr(20));
        Connection& admin = scratch_->admin();
        try {
            // The password goes in as a literal: none of the probes holds a quote or backslash.
            if (mysql_) {
                admin.execute(
                    fmt::format("CREATE USER '{}'@'%' IDENTIFIED BY '{}'", user_, password_));
                role_made_ = true;
                admin.execute(
                    fmt::format("GRANT ALL PRIVILEGES ON `strata\\_test%`.* TO '{}'@'%'", user_));
            } else {
                admin.execute(fmt::format("CREATE ROLE {} LOGIN PASSWORD '{}'", user_, password_));
                role_made_ = true;
                admin.execute(fmt::format("GRANT {} TO CURRENT_USER", user_));
                admin.execute(fmt::format("GRANT ALL ON SCHEMA {} TO {}", scratch_->name(), user_));
                // Two probes granting on the one database at once can meet in its catalog
                // row ("tuple concurrently updated"): the later one grants again.
                for (int attempt = 1;; ++attempt) {
                    try {
                        admin.execute(
                            fmt::format("GRANT CREATE ON DATABASE {} TO {}", base.database, user_));
                        break;
                    } catch (const Error& e) {
                        if (attempt == 5 || std::string_view(e.what()).find(
                                                "concurrently updated") == std::string_view::npos)
                            throw;
                        std::this_thread::sleep_for(std::chrono::milliseconds(50 * attempt));
                    }
                }
            }
        } catch (const Error& e) {
            FAIL() << "cannot create the login: " << e.describe()
                   << "\n(servers started by an older scripts/start-servers.sh lack CREATEROLE / "
                      "CREATE USER: restart them)";
        }
        host_ = fmt::format("{}://{}:{}/{}", base.scheme, base.host, base.port.value_or(0),
                            base.database);
        query_ = mysql_ ? "" : "currentSchema=" + scratch_->name();
        write_file(dir_ / "app.xml", xml_changelog(R"x(
            <changeSet id="1" author="a"><createTable tableName="secret_probe">
                <column name="id" type="int"/></createTable></changeSet>
            <changeSet id="2" author="a"><tagDatabase tag="t1"/></changeSet>
            <changeSet id="3" author="a"><addColumn tableName="secret_probe">
                <column name="note" type="varchar(20)"/></addColumn></changeSet>)x"));
        write_file(dir_ / "bad.xml", xml_changelog(R"x(
            <changeSet id="bad" author="a"><sql>THIS IS NOT SQL</sql></changeSet>)x"));
    }

    void TearDown() override {
        if (!role_made_)
            return;
        Connection& admin = scratch_->admin();
        if (mysql_) {
            admin.execute(fmt::format("DROP USER '{}'@'%'", user_));
        } else {
            admin.execute(fmt::format("DROP OWNED BY {}", user_));
            admin.execute(fmt::format("DROP ROLE {}", user_));
        }
    }

    // The URL for `channel`, on `port`, with `password` where the channel puts it in the URL.
    std::string url(Channel channel, const std::string& password, const std::string& port) const {
        ServerUrl base = parse_server_url(host_);
        std::string query = query_;
        std::string userinfo;
        if (channel == Channel::UrlUserInfo)
            userinfo = user_ + ":" + percent_encode(password) + "@";
        if (channel == Channel::UrlParameter)
            query += fmt::format("{}user={}&password={}", query.empty() ? "" : "&", user_,
                                 percent_encode(password));
        return fmt::format("{}://{}{}:{}/{}{}{}", base.scheme, userinfo, base.host, port,
                           base.database, query.empty() ? "" : "?", query);
    }

    struct Run {
        std::vector<std::string> arguments;
        std::map<std::string, std::string> environment;
    };

    Run invocation(const Command& command, Channel channel, const std::string& password,
                   const std::string& port, const std::string& changelog) {
        Run run;
        std::string target = url(channel, password, port);
        switch (channel) {
        case Channel::UrlUserInfo:
        case Channel::UrlParameter:
            run.arguments.push_back("--url=" + target);
            break;
        case Channel::PasswordFlag:
            run.arguments = {"--url=" + target, "--username=" + user_, "--password=" + password};
            break;
        case Channel::StrataVariable:
            run.arguments = {"--url=" + target};
            run.environment = {{"STRATA_USERNAME", user_}, {"STRATA_PASSWORD", password}};
            break;
        case Channel::Liquibase:
            run.environment = {{"LIQUIBASE_COMMAND_URL", target},
                               {"LIQUIBASE_COMMAND_USERNAME", user_},
                               {"LIQUIBASE_COMMAND_PASSWORD", password}};
            break;
        case Channel::File: {
            std::string file = fmt::format("defaults-{}.properties", runs_);
            write_file(dir_ / file,
                       fmt::format("url={}\nusername={}\npassword={}\n", target, user_, password));
            run.arguments = {"--defaults-file=" + file};
            break;
        }
        }
        if (command.name == "diff" || command.name == "diff-changelog") {
            // The reference side: the same database, the password given apart.
            run.arguments.push_back("--reference-url=" + url(Channel::PasswordFlag, "", port));
            run.arguments.push_back("--reference-username=" + user_);
            run.arguments.push_back("--reference-password=" + password);
        }
        if (command.name == "diff-changelog" || command.name == "generate-changelog")
            run.arguments.push_back(fmt::format("--changelog-file=generated-{}.xml", runs_));
        else if (command.name != "plugins" && command.name != "completion" && command.name != "man")
            run.arguments.push_back("--changelog-file=" + changelog);
        return run;
    }

    // Runs one command and searches what it printed and wrote.
    CommandResult probe(const Command& command, Channel channel, const char* level, bool json,
                        bool output_file, const std::string& password, const std::string& port,
                        const std::string& changelog = "app.xml") {
        Run run = invocation(command, channel, password, port, changelog);
        run.arguments.push_back(fmt::format("--log-level={}", level));
        if (json && command.json)
            run.arguments.push_back("--format=json");
        std::string output = fmt::format("output-{}.txt", runs_);
        bool has_output = output_file && command.name != "convert";
        if (has_output)
            run.arguments.push_back("--output-file=" + output);
        run.arguments.push_back(command.name);
        run.arguments.insert(run.arguments.end(), command.arguments.begin(),
                             command.arguments.end());
        if (command.name == "db-doc") // a command's own option, after its name
            run.arguments.push_back(fmt::format("--output-directory=doc-{}", runs_));
        ++runs_;
        CommandResult result = run_strata(run.arguments, dir_.path(), run.environment);
        std::string what = fmt::format("strata {} ({} channel {}, level {})", command.name,
                                       GetParam().dialect, static_cast<int>(channel), level);
        expect_no_secret(result.out, what + " stdout");
        expect_no_secret(result.err, what + " stderr");
        if (has_output && std::filesystem::exists(dir_ / output))
            expect_no_secret(read_file(dir_ / output), what + " --output-file");
        channels_seen_.insert(static_cast<int>(channel));
        commands_seen_.insert(command.name);
        return result;
    }

    // The password is absent (raw and percent-encoded), and "*****" stands only in a URL's
    // password slot: a message is never garbled by search-and-replace.
    void expect_no_secret(std::string text, const std::string& where) {
        ++texts_searched_;
        if (password_.size() > 1) {
            EXPECT_EQ(text.find(password_), std::string::npos) << where << ":\n" << text;
            EXPECT_EQ(text.find(percent_encode(password_)), std::string::npos) << where << ":\n"
                                                                               << text;
        } else {
            for (const std::string& form :
                 {":" + password_ + "@", "password=" + password_ + "&",
                  "password=" + password_ + "'", "password=" + password_ + " ",
                  "password=" + password_ + "\n"})
                EXPECT_EQ(text.find(form), std::string::npos) << where << ":\n" << text;
        }
        for (const std::string slot : {":*****@", "password=*****"}) {
            for (auto at = text.find(slot); at != std::string::npos; at = text.find(slot))
                text.erase(at, slot.size());
        }
        // Five stars alone (a banner's row of them is not a mask).
        for (auto at = text.find("*****"); at != std::string::npos;
             at = text.find("*****", at + 1)) {
            bool alone =
                (at == 0 || text[at - 1] != '*') && (at + 5 == text.size() || text[at + 5] != '*');
            EXPECT_FALSE(alone) << where << " garbled:\n" << text;
        }
    }

    // Every file the runs left, and every value of every table in the database.
    void expect_nothing_stored() {
        for (const auto& entry : std::filesystem::recursive_directory_iterator(dir_.path())) {
            std::string name = entry.path().filename().string();
            if (entry.is_regular_file() && !name.starts_with("defaults-"))
                expect_no_secret(read_file(entry.path()), entry.path().string());
        }
        Connection& admin = scratch_->admin();
        ResultSet tables = admin.query(fmt::format(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = '{}'",
            scratch_->name()));
        ASSERT_FALSE(tables.rows.empty());
        std::string values;
        for (const Row& table : tables.rows) {
            ResultSet rows = admin.query(fmt::format("SELECT * FROM {}", *table[0]));
            for (const Row& row : rows.rows) {
                for (const auto& cell : row)
                    values += cell.value_or("") + "\n";
            }
            tables_searched_.insert(*table[0]);
        }
        expect_no_secret(values, "the database");
    }

    void report() const {
        std::cout << fmt::format("[secrets] {} password '{}': {} runs, {} commands, {} password "
                                 "channels, {} texts searched, tables {}\n",
                                 GetParam().dialect, password_, runs_, commands_seen_.size(),
                                 channels_seen_.size(), texts_searched_,
                                 fmt::join(tables_searched_, ","));
    }

    std::unique_ptr<ServerScratch> scratch_;
    TempDir dir_;
    std::string password_, user_, host_, query_;
    bool mysql_ = false;
    bool role_made_ = false;
    int runs_ = 0;
    int texts_searched_ = 0;
    std::set<std::string> commands_seen_, tables_searched_;
    std::set<int> channels_seen_;
};

TEST_P(Secrets, NeverAppearAnywhere) {
    const std::vector<Command> commands = every_command();
    const std::string port = std::to_string(parse_server_url(host_).port.value_or(0));
    const std::size_t channels = std::size(kChannels);
    const std::size_t levels = std::size(kLevels);

    // Every command twice, each time through another channel, level, format and output.
    std::set<std::string> succeeded;
    for (int pass = 0; pass < 2; ++pass) {
        for (std::size_t i = 0; i < commands.size(); ++i) {
            CommandResult result = probe(commands[i], kChannels[(i + pass * 3) % channels],
                                         kLevels[(i + pass * 5) % levels], (i + pass) % 2 == 0,
                                         (i + pass) % 2 == 1, password_, port);
            if (result.exit_code == 0)
                succeeded.insert(commands[i].name);
        }
    }
    // The runs did what they were meant to: the password was accepted everywhere.
    for (const char* must : {"update", "status", "history", "validate", "tag", "update-sql",
                             "rollback-count", "snapshot", "db-doc", "diff", "drift", "list-locks",
                             "generate-changelog", "changelog-sync"})
        EXPECT_TRUE(succeeded.contains(must)) << must << " never succeeded";

    // status through every channel at every level, as text and JSON.
    for (std::size_t c = 0; c < channels; ++c) {
        for (std::size_t l = 0; l < levels; ++l)
            EXPECT_EQ(probe(commands[1], kChannels[c], kLevels[l], l % 2 == 0, l % 3 == 0,
                            password_, port)
                          .exit_code,
                      0);
    }

    // Failing runs: every command with a wrong password and with nothing listening.
    const std::string wrong = password_ + "W";
    for (std::size_t i = 0; i < commands.size(); ++i) {
        if (!commands[i].server)
            continue;
        CommandResult refused = probe(commands[i], kChannels[i % channels], kLevels[i % levels],
                                      i % 2 == 0, true, wrong, port);
        EXPECT_NE(refused.exit_code, 0) << commands[i].name;
        EXPECT_NE(refused.err.find("rror"), std::string::npos) << refused.err;
        if (commands[i].name == "update") {
            EXPECT_NE(refused.err.find("cannot connect to"), std::string::npos) << refused.err;
        }
        CommandResult unreachable =
            probe(commands[i], kChannels[(i + 1) % channels], kLevels[(i + 7) % levels], i % 2 == 1,
                  false, password_, "1");
        EXPECT_NE(unreachable.exit_code, 0) << commands[i].name;
    }
    // Bad SQL fails on the server, through every channel.
    Command update{"update", {}};
    for (Channel channel : kChannels) {
        CommandResult bad = probe(update, channel, "all", channel == Channel::File, false,
                                  password_, port, "bad.xml");
        EXPECT_EQ(bad.exit_code, 1) << bad.err;
        EXPECT_NE(bad.err.find("THIS IS NOT SQL"), std::string::npos) << bad.err;
    }

    expect_nothing_stored();
    EXPECT_EQ(channels_seen_.size(), channels);
    EXPECT_EQ(commands_seen_.size(), commands.size());
    report();
}

INSTANTIATE_TEST_SUITE_P(Servers, Secrets,
                         ::testing::Values(Probe{"postgresql", "Pw@1?2:3/4%5#6"},
                                           Probe{"postgresql", "e"},
                                           Probe{"mysql", "Pw@1?2:3/4%5#6"}, Probe{"mysql", "e"}),
                         [](const auto& probe) {
                             return fmt::format("{}_{}", probe.param.dialect,
                                                std::string(probe.param.password).size() > 1
                                                    ? "delimiters"
                                                    : "one_letter");
                         });

} // namespace
} // namespace strata::test
