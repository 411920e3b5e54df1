// SPDX-License-Identifier: Apache-2.0
// Hostile input (issue 12): nesting that would exhaust the stack, alias and property bombs
// that would exhaust memory, files that would hang a read, NUL characters and invalid UTF-8,
// huge values repeated into messages. Each is a clear Error naming the file (and line where
// there is one) with a hint, never a crash, a hang or a silently shortened value. The
// inputs are generated here; each test runs well under two seconds.
#include "test_support.hpp"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <optional>
#include <strata/filter.hpp>
#include <strata/format/parse.hpp>
#include <strata/input_limits.hpp>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace strata::test {
namespace {

namespace fs = std::filesystem;

std::string repeat(std::string_view text, std::size_t times) {
    std::string out;
    out.reserve(text.size() * times);
    for (std::size_t i = 0; i < times; ++i)
        out += text;
    return out;
}

// Parses `file` and returns the error it must raise, after checking what every error owes
// its reader: the file, a hint, a message of sane length.
Error parse_error(const fs::path& file, const format::ParseOptions& options = {},
                  std::string_view named_file = {}) {
    auto started = std::chrono::steady_clock::now();
    try {
        format::parse_changelog(file, options);
    } catch (const Error& e) {
        std::string expected_file =
            named_file.empty() ? file.filename().string() : std::string(named_file);
        EXPECT_NE(e.where().file.find(expected_file), std::string::npos)
            << "the error names the file: " << e.describe();
        EXPECT_FALSE(e.hint().empty()) << "every error says what to do: " << e.describe();
        EXPECT_LT(std::string(e.what()).size(), 1000u) << "a short message: " << e.describe();
        // A guard against unbounded work (a bomb that is not bounded runs for minutes or
        // exhausts memory), not a speed target: generous enough for sanitizer builds.
        EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(60));
        return e;
    }
    ADD_FAILURE() << file << " parsed, but an error was expected";
    return Error(ErrorKind::Internal, "no error");
}

void expect_message(const Error& e, ErrorKind kind, std::string_view part) {
    EXPECT_EQ(e.kind(), kind) << e.describe();
    EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << e.describe();
}

// xml_changelog() writes the body on this line.
constexpr int kBodyLine = 5;

std::string changeset_with(const std::string& inside, const std::string& attributes = {}) {
    return "<changeSet id=\"1\" author=\"a\"" + attributes + ">" + inside + "</changeSet>";
}

// --- nesting ------------------------------------------------------------------------------

TEST(HostileNesting, XmlOfAHundredThousandElements) {
    TempDir dir;
    write_file(dir / "deep.xml", xml_changelog(repeat("<a>", 100000) + repeat("</a>", 100000)));
    Error e = parse_error(dir / "deep.xml");
    expect_message(e, ErrorKind::Parse, "unexpected <a>");
    EXPECT_GT(e.where().line, 0);

    // Inside a change, too.
    write_file(dir / "deep.xml", xml_changelog(changeset_with("<sql>" + repeat("<b>", 100000) +
                                                              repeat("</b>", 100000) + "</sql>")));
    expect_message(parse_error(dir / "deep.xml"), ErrorKind::Parse, "unexpected <b>");
}

TEST(HostileNesting, XmlPreconditionsTwentyThousandNotsDeep) {
    TempDir dir;
    write_file(dir / "not.xml",
               xml_changelog(changeset_with(
                   "<preConditions>" + repeat("<not>", 20000) + "<tableExists tableName=\"t\"/>" +
                   repeat("</not>", 20000) + "</preConditions><sql>SELECT 1</sql>")));
    Error e = parse_error(dir / "not.xml");
    expect_message(e, ErrorKind::Parse, "deeper than 200 levels");
    EXPECT_GT(e.where().line, 0);

    // Up to the limit is fine.
    write_file(dir / "ok.xml",
               xml_changelog(changeset_with(
                   "<preConditions>" + repeat("<or>", 150) + "<tableExists tableName=\"t\"/>" +
                   repeat("</or>", 150) + "</preConditions><sql>SELECT 1</sql>")));
    EXPECT_EQ(format::parse_changelog(dir / "ok.xml").changesets.size(), 1u);
}

TEST(HostileNesting, JsonArrayAMillionDeep) {
    TempDir dir;
    write_file(dir / "deep.json",
               "{\"databaseChangeLog\": " + repeat("[", 1000000) + repeat("]", 1000000) + "}");
    Error e = parse_error(dir / "deep.json");
    expect_message(e, ErrorKind::Parse, "deeper than 200 levels");
    EXPECT_EQ(e.where().line, 1);
}

TEST(HostileNesting, JsonPreconditionsDeep) {
    TempDir dir;
    std::string deep = repeat("{\"not\": [", 20000) + "{\"tableExists\": {\"tableName\": \"t\"}}" +
                       repeat("]}", 20000);
    write_file(dir / "not.json",
               R"({"databaseChangeLog": [{"changeSet": {"id": "1", "author": "a",
                   "preConditions": [)" +
                   deep + R"(], "changes": [{"sql": "SELECT 1"}]}}]})");
    Error e = parse_error(dir / "not.json");
    expect_message(e, ErrorKind::Parse, "deeper than 200 levels");
    EXPECT_EQ(e.where().line, 2);

    // Maps nested directly (not: {not: ...}) reach the precondition limit first.
    std::string maps =
        repeat("{\"not\": ", 190) + "{\"tableExists\": {\"tableName\": \"t\"}}" + repeat("}", 190);
    write_file(dir / "maps.json",
               R"({"databaseChangeLog": [{"changeSet": {"id": "1", "author": "a",
                   "preConditions": [)" +
                   maps + R"(], "changes": [{"sql": "SELECT 1"}]}}]})");
    EXPECT_EQ(format::parse_changelog(dir / "maps.json").changesets.size(), 1u);
}

TEST(HostileNesting, YamlFlowAndBlockNesting) {
    TempDir dir;
    write_file(dir / "flow.yaml", "databaseChangeLog: " + repeat("[", 100000) + "\n");
    Error e = parse_error(dir / "flow.yaml");
    EXPECT_EQ(e.kind(), ErrorKind::Parse) << e.describe();
    EXPECT_EQ(e.where().line, 1) << e.describe();

    std::string block = "databaseChangeLog:\n";
    for (int i = 0; i < 1000; ++i)
        block += std::string(static_cast<std::size_t>(i) + 2, ' ') + "- \n";
    block.clear();
    block = "databaseChangeLog:\n";
    for (int i = 1; i < 1000; ++i)
        block +=
            std::string(static_cast<std::size_t>(i) * 2, ' ') + "k" + std::to_string(i) + ":\n";
    write_file(dir / "block.yaml", block);
    expect_message(parse_error(dir / "block.yaml"), ErrorKind::Parse, "deeper than 200 levels");
}

TEST(HostileNesting, YamlPreconditionsDeep) {
    TempDir dir;
    std::string yaml = "databaseChangeLog:\n- changeSet:\n    id: 1\n    author: a\n"
                       "    preConditions:\n";
    std::string indent = "    ";
    for (int i = 0; i < 300; ++i) {
        yaml += indent + "- not:\n";
        indent += "  ";
    }
    yaml += indent + "- tableExists: {tableName: t}\n    changes:\n    - sql: SELECT 1\n";
    write_file(dir / "not.yaml", yaml);
    Error e = parse_error(dir / "not.yaml");
    expect_message(e, ErrorKind::Parse, "deeper than 200 levels");
    EXPECT_GT(e.where().line, 5);
}

TEST(HostileNesting, ContextExpressionOfAHundredThousandParentheses) {
    TempDir dir;
    std::string deep = repeat("(", 100000) + "a" + repeat(")", 100000);
    write_file(dir / "ctx.xml",
               xml_changelog(changeset_with("<sql>SELECT 1</sql>", " context=\"" + deep + "\"")));
    Error e = parse_error(dir / "ctx.xml");
    expect_message(e, ErrorKind::Parse, "deeper than 1000 levels");
    EXPECT_EQ(e.where().line, kBodyLine) << e.describe();
    EXPECT_NE(std::string(e.what()).find("bytes)"), std::string::npos)
        << "the expression is abbreviated: " << e.describe();

    // Labels, negations and an include's context alike.
    write_file(dir / "labels.yaml",
               "databaseChangeLog:\n- changeSet:\n    id: 1\n    author: a\n    labels: \"" +
                   repeat("!", 100000) + "a\"\n    changes:\n    - sql: SELECT 1\n");
    expect_message(parse_error(dir / "labels.yaml"), ErrorKind::Parse, "deeper than 1000");
    write_file(dir / "inc.xml",
               xml_changelog("<include file=\"x.xml\" relativeToChangelogFile=\"true\" context=\"" +
                             repeat("not ", 5000) + "a\"/>"));
    expect_message(parse_error(dir / "inc.xml"), ErrorKind::Parse, "deeper than 1000");
}

TEST(HostileNesting, LongFlatExpressionsStillWork) {
    TempDir dir;
    std::string flat = "a" + repeat(" and a", 100000);
    write_file(dir / "flat.xml",
               xml_changelog(changeset_with("<sql>SELECT 1</sql>", " context=\"" + flat + "\"")));
    format::ParseOptions options;
    options.filter.contexts = "a";
    EXPECT_EQ(format::parse_changelog(dir / "flat.xml", options).changesets.size(), 1u);
    EXPECT_TRUE(evaluate_expression(flat, {"a"}));
    EXPECT_TRUE(evaluate_expression(repeat("(", 900) + "a" + repeat(")", 900), {"a"}));
    // A malformed expression (not too deep) stays a matter for the run that filters by it.
    write_file(dir / "odd.xml",
               xml_changelog(changeset_with("<sql>SELECT 1</sql>",
                                            " context=\"" + repeat("(", 5) + "a and\"")));
    EXPECT_EQ(format::parse_changelog(dir / "odd.xml").changesets.size(), 1u);
}

TEST(HostileNesting, ExpressionEvaluationIsBoundedToo) {
    // --contexts/--labels from the command line reach evaluate_expression without a parser.
    for (const std::string& deep : {repeat("(", 100000) + "a" + repeat(")", 100000),
                                    repeat("!", 100000) + "a", repeat("not ", 100000) + "a"}) {
        try {
            (void)evaluate_expression(deep, {"a"});
            ADD_FAILURE() << "a too deep expression was evaluated";
        } catch (const Error& e) {
            expect_message(e, ErrorKind::Parse, "deeper than 1000 levels");
            EXPECT_LT(std::string(e.what()).size(), 1000u);
            EXPECT_FALSE(e.hint().empty());
        }
    }
}

TEST(HostileNesting, IncludesThreeHundredFilesDeep) {
    TempDir dir;
    for (int i = 0; i < 300; ++i)
        write_file(dir / ("c" + std::to_string(i) + ".xml"),
                   xml_changelog("<include file=\"c" + std::to_string(i + 1) +
                                 ".xml\" relativeToChangelogFile=\"true\"/>"));
    write_file(dir / "c300.xml", xml_changelog(changeset_with("<sql>SELECT 1</sql>")));
    Error e = parse_error(dir / "c0.xml", {}, ".xml");
    expect_message(e, ErrorKind::Parse, "includes nest deeper than 200 files");
    EXPECT_GT(e.where().line, 0);

    // 150 levels are fine.
    EXPECT_EQ(format::parse_changelog(dir / "c150.xml").changesets.size(), 1u);
}

// --- bombs --------------------------------------------------------------------------------

TEST(HostileBomb, YamlBillionLaughs) {
    TempDir dir;
    std::string yaml = "x0: &a0 [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", "
                       "\"lol\", \"lol\", \"lol\"]\n";
    for (int level = 1; level <= 9; ++level) {
        std::string alias = "*a" + std::to_string(level - 1);
        yaml += "x" + std::to_string(level) + ": &a" + std::to_string(level) + " [" + alias;
        for (int i = 1; i < 10; ++i)
            yaml += ", " + alias;
        yaml += "]\n";
    }
    write_file(
        dir / "bomb.yaml", "databaseChangeLog:\n- property:\n    name: p\n    value: v\n" +
                               std::string("bomb:\n") + [&] {
                                   std::string indented;
                                   std::size_t start = 0;
                                   while (start < yaml.size()) {
                                       std::size_t end = yaml.find('\n', start);
                                       indented += "  " + yaml.substr(start, end - start + 1);
                                       start = end + 1;
                                   }
                                   return indented;
                               }());
    Error e = parse_error(dir / "bomb.yaml");
    expect_message(e, ErrorKind::Parse, "aliases expand to more than");
    EXPECT_GT(e.where().line, 5);
}

TEST(HostileBomb, YamlAliasOfALongText) {
    TempDir dir;
    std::string yaml = "a: &big \"" + std::string(1 << 20, 'x') + "\"\nb: [";
    for (int i = 0; i < 100; ++i)
        yaml += "*big, ";
    yaml += "*big]\n";
    write_file(dir / "long.yaml", yaml);
    expect_message(parse_error(dir / "long.yaml"), ErrorKind::Parse, "aliases expand");
}

TEST(HostileBomb, YamlAliasesInReason) {
    // Ordinary anchors and aliases keep working.
    TempDir dir;
    write_file(dir / "ok.yaml", "databaseChangeLog:\n"
                                "- changeSet:\n    id: 1\n    author: a\n"
                                "    changes:\n    - sql: &s SELECT 1\n"
                                "- changeSet:\n    id: 2\n    author: a\n"
                                "    changes:\n    - sql: *s\n");
    Changelog changelog = format::parse_changelog(dir / "ok.yaml");
    ASSERT_EQ(changelog.changesets.size(), 2u);
    EXPECT_EQ(changelog.changesets[1].changes.at(0).value("sql"), "SELECT 1");
}

TEST(HostileBomb, NineLevelPropertyBomb) {
    TempDir dir;
    std::string body = "<property name=\"p0\" value=\"" + std::string(10, 'x') + "\"/>";
    for (int level = 1; level <= 9; ++level)
        body += "<property name=\"p" + std::to_string(level) + "\" value=\"" +
                repeat("${p" + std::to_string(level - 1) + "}", 10) + "\"/>";
    body += changeset_with("<sql>SELECT '${p9}'</sql>");
    write_file(dir / "bomb.xml", xml_changelog(body));
    Error e = parse_error(dir / "bomb.xml");
    expect_message(e, ErrorKind::Parse, "larger than 16 MiB");
    EXPECT_NE(std::string(e.what()).find("${p"), std::string::npos) << "names the property";
    EXPECT_GT(e.where().line, 0);
}

TEST(HostileBomb, ParameterRepeatedBeyondTheTotal) {
    // A -D parameter of 8 MiB used in many attributes: each text is allowed, the sum is not.
    TempDir dir;
    std::string body;
    for (int i = 0; i < 40; ++i)
        body += "<changeSet id=\"" + std::to_string(i) +
                "\" author=\"a\"><sql>SELECT '${big}'</sql></changeSet>";
    write_file(dir / "many.xml", xml_changelog(body));
    format::ParseOptions options;
    options.parameters["big"] = std::string(std::size_t{8} << 20, 'y');
    Error e = parse_error(dir / "many.xml", options);
    expect_message(e, ErrorKind::Parse, "all substituted text together");
    EXPECT_NE(std::string(e.what()).find("${big}"), std::string::npos);
}

// --- files that are not ordinary files ----------------------------------------------------

TEST(HostileFiles, ChangelogThatIsAFifo) {
    TempDir dir;
    ASSERT_EQ(::mkfifo((dir / "pipe.xml").c_str(), 0600), 0);
    Error e = parse_error(dir / "pipe.xml");
    expect_message(e, ErrorKind::Parse, "FIFO");
}

TEST(HostileFiles, IncludedDeviceIsRefused) {
    TempDir dir;
    write_file(dir / "root.xml", xml_changelog("<include file=\"/dev/zero\"/>"));
    Error e = parse_error(dir / "root.xml");
    expect_message(e, ErrorKind::Parse, "character device");
    EXPECT_EQ(e.where().line, kBodyLine);
}

TEST(HostileFiles, SqlFileAndLoadDataOnDevicesAndDirectories) {
    TempDir dir;
    fs::create_directory(dir / "folder");
    const std::pair<std::string, std::string> cases[] = {
        {"<sqlFile path=\"/dev/zero\"/>", "character device"},
        {"<sqlFile path=\"folder\" relativeToChangelogFile=\"true\"/>", "directory"},
        {"<loadData tableName=\"t\" file=\"/dev/urandom\"/>", "character device"},
        {"<loadUpdateData tableName=\"t\" primaryKey=\"id\" file=\"pipe.csv\" "
         "relativeToChangelogFile=\"true\"/>",
         "FIFO"},
        {"<createView viewName=\"v\" path=\"/dev/zero\"/>", "character device"},
    };
    ASSERT_EQ(::mkfifo((dir / "pipe.csv").c_str(), 0600), 0);
    for (const auto& [change, why] : cases) {
        write_file(dir / "c.xml", xml_changelog(changeset_with(change)));
        Error e = parse_error(dir / "c.xml");
        expect_message(e, ErrorKind::Parse, why);
        EXPECT_EQ(e.where().line, kBodyLine) << change;
    }
    // The same in YAML.
    write_file(dir / "c.yaml", "databaseChangeLog:\n- changeSet:\n    id: 1\n    author: a\n"
                               "    changes:\n    - sqlFile:\n        path: /dev/zero\n");
    Error e = parse_error(dir / "c.yaml");
    expect_message(e, ErrorKind::Parse, "character device");
    EXPECT_EQ(e.where().line, 6);
}

TEST(HostileFiles, FilesLargerThanTheLimit) {
    TempDir dir;
    { std::ofstream(dir / "huge.sql").put('x'); }
    fs::resize_file(dir / "huge.sql", kMaxReadableFileSize + 1); // sparse: nothing is written
    write_file(dir / "c.xml",
               xml_changelog(changeset_with(
                   "<sqlFile path=\"huge.sql\" relativeToChangelogFile=\"true\"/>")));
    expect_message(parse_error(dir / "c.xml"), ErrorKind::Parse, "larger than 256 MiB");

    fs::copy_file(dir / "c.xml", dir / "huge.xml");
    fs::resize_file(dir / "huge.xml", kMaxReadableFileSize + 1);
    expect_message(parse_error(dir / "huge.xml"), ErrorKind::Parse, "larger than 256 MiB");

    EXPECT_THROW((void)read_regular_file(dir / "huge.sql", ErrorKind::Validation, {}, "x"), Error);
}

TEST(HostileFiles, PropertiesFileThatIsADevice) {
    TempDir dir;
    write_file(dir / "p.xml", xml_changelog("<property file=\"/dev/zero\"/>"));
    Error e = parse_error(dir / "p.xml");
    expect_message(e, ErrorKind::Parse, "character device");
    EXPECT_EQ(e.where().line, kBodyLine);
}

TEST(HostileFiles, CheckedReaderReadsOrdinaryFiles) {
    TempDir dir;
    write_file(dir / "a.txt", std::string("a\0b", 3));
    EXPECT_EQ(read_regular_file(dir / "a.txt", ErrorKind::Parse, {}, "x"), std::string("a\0b", 3));
    EXPECT_FALSE(unreadable_file_reason(dir / "a.txt"));
    EXPECT_FALSE(unreadable_file_reason(dir / "missing"));
    EXPECT_EQ(unreadable_file_reason(dir.path()).value_or(""), "is a directory");
    try {
        (void)read_regular_file(dir / "missing", ErrorKind::Validation, {"c.xml", 4, 1},
                                "the file of sqlFile");
        ADD_FAILURE() << "a missing file was read";
    } catch (const Error& e) {
        expect_message(e, ErrorKind::Validation, "cannot read the file of sqlFile");
        EXPECT_EQ(e.where().line, 4);
    }
}

// --- includeAll on a directory that cannot be read ----------------------------------------

TEST(HostileFiles, IncludeAllThroughAFile) {
    TempDir dir;
    write_file(dir / "plain.txt", "not a directory");
    write_file(dir / "root.xml", xml_changelog("<includeAll path=\"plain.txt/sub\" "
                                               "relativeToChangelogFile=\"true\"/>"));
    Error e = parse_error(dir / "root.xml");
    expect_message(e, ErrorKind::Parse, "includeAll cannot read the directory");
    EXPECT_EQ(e.where().line, kBodyLine);
}

TEST(HostileFiles, IncludeAllOnAnUnreadableDirectory) {
    TempDir dir;
    fs::create_directories(dir / "all" / "locked");
    write_file(dir / "all" / "a.xml", xml_changelog(changeset_with("<sql>SELECT 1</sql>")));
    write_file(dir / "all" / "locked" / "b.xml",
               xml_changelog(changeset_with("<sql>SELECT 2</sql>", " id=\"2\"")));
    write_file(dir / "root.xml",
               xml_changelog("<includeAll path=\"all\" relativeToChangelogFile=\"true\"/>"));
    // Readable by anyone but the locked directory, so that a reader without root's powers
    // meets the permission error.
    for (const fs::path& path : {dir.path(), dir / "all"})
        fs::permissions(path, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                  fs::perms::others_read | fs::perms::others_exec);
    for (const fs::path& path : {dir / "root.xml", dir / "all" / "a.xml"})
        fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write |
                                  fs::perms::group_read | fs::perms::others_read);
    fs::permissions(dir / "all" / "locked", fs::perms::none);
    // 0: the clear error; 1: another error; 2: no error at all.
    auto outcome = [&] {
        try {
            (void)format::parse_changelog(dir / "root.xml");
            return 2;
        } catch (const Error& e) {
            return e.kind() == ErrorKind::Parse &&
                           std::string(e.what()).find("includeAll cannot read the directory") !=
                               std::string::npos
                       ? 0
                       : 1;
        }
    };
    int result = 0;
    if (::geteuid() == 0) {
        // Root reads everything: read as the unprivileged user `nobody` in a child instead.
        pid_t child = ::fork();
        ASSERT_GE(child, 0);
        if (child == 0) {
            if (::setgid(65534) != 0 || ::setuid(65534) != 0)
                ::_exit(3);
            ::_exit(outcome());
        }
        int status = 0;
        ::waitpid(child, &status, 0);
        result = WIFEXITED(status) ? WEXITSTATUS(status) : 4;
    } else {
        result = outcome();
    }
    fs::permissions(dir / "all" / "locked", fs::perms::owner_all);
    EXPECT_EQ(result, 0) << "0 = the clear error, 1 = another error, 2 = none, 3 = cannot "
                            "become nobody, 4 = the reader crashed";
}

// --- NUL characters, invalid UTF-8, huge values -------------------------------------------

TEST(HostileText, JsonNulCharacters) {
    TempDir dir;
    const std::string head = R"({"databaseChangeLog": [{"changeSet": {"id": "1", "author": "a",
  "changes": [{"sql": )";
    write_file(dir / "escaped.json", head + R"("SELECT 1\u0000; DROP TABLE t"}]}}]})");
    Error e = parse_error(dir / "escaped.json");
    expect_message(e, ErrorKind::Parse, "NUL");
    EXPECT_EQ(e.where().line, 2);

    write_file(dir / "raw.json", head + "\"SELECT 1" + std::string(1, '\0') + "x\"}]}}]}");
    EXPECT_EQ(parse_error(dir / "raw.json").kind(), ErrorKind::Parse);

    write_file(dir / "after.json",
               head + "\"SELECT 1\"}]}}]}" + std::string(1, '\0') + "{\"more\": 1}");
    EXPECT_EQ(parse_error(dir / "after.json").kind(), ErrorKind::Parse);
}

TEST(HostileText, XmlNulCharacters) {
    TempDir dir;
    std::string text = xml_changelog(changeset_with("<sql>SELECT 1</sql>"));
    write_file(dir / "raw.xml", text.substr(0, text.find("SELECT 1") + 6) + std::string(1, '\0') +
                                    text.substr(text.find("SELECT 1") + 6));
    Error e = parse_error(dir / "raw.xml");
    expect_message(e, ErrorKind::Parse, "NUL");
    EXPECT_EQ(e.where().line, kBodyLine);

    write_file(dir / "after.xml", text + std::string(1, '\0') + "<more/>");
    expect_message(parse_error(dir / "after.xml"), ErrorKind::Parse, "NUL");

    write_file(dir / "ref.xml", xml_changelog(changeset_with("<sql>SELECT 1&#x00;2</sql>")));
    expect_message(parse_error(dir / "ref.xml"), ErrorKind::Parse, "NUL");
}

TEST(HostileText, YamlNulAndControlCharacters) {
    TempDir dir;
    const std::string head = "databaseChangeLog:\n- changeSet:\n    id: 1\n    author: a\n"
                             "    changes:\n    - sql: ";
    write_file(dir / "escaped.yaml", head + "\"SELECT 1\\0 x\"\n");
    Error e = parse_error(dir / "escaped.yaml");
    expect_message(e, ErrorKind::Parse, "NUL");
    EXPECT_EQ(e.where().line, 6);

    for (char control : {'\0', '\x04', '\x1b'}) {
        write_file(dir / "raw.yaml",
                   head + "SELECT 1" + std::string(1, control) + " -- rest\n- more: 1\n");
        Error raw = parse_error(dir / "raw.yaml");
        expect_message(raw, ErrorKind::Parse, "control character");
        EXPECT_EQ(raw.where().line, 6);
        EXPECT_EQ(raw.where().column, 20);
    }
}

TEST(HostileText, YamlThatYamlCppWouldReadForever) {
    // Found by scripts/fuzz.sh: yaml-cpp 0.7 returned the same empty document forever.
    TempDir dir;
    for (const std::string& text : {std::string(","), std::string("databaseChangeLog:\n,\n"),
                                    std::string(",atabaseChangeLog:\n  - changeSet: x\n")}) {
        write_file(dir / "comma.yaml", text);
        Error e = parse_error(dir / "comma.yaml");
        EXPECT_EQ(e.kind(), ErrorKind::Parse) << e.describe();
        EXPECT_GT(e.where().line, 0) << e.describe();
    }
}

TEST(HostileText, InvalidUtf8) {
    TempDir dir;
    const std::string bad = "SELECT '\xC3\x28 \xFF'";
    write_file(dir / "bad.yaml", "databaseChangeLog:\n- changeSet:\n    id: 1\n    author: a\n"
                                 "    changes:\n    - sql: " +
                                     bad + "\n");
    Error e = parse_error(dir / "bad.yaml");
    expect_message(e, ErrorKind::Parse, "not valid UTF-8");
    EXPECT_EQ(e.where().line, 6);
    EXPECT_EQ(e.where().column, 20);

    write_file(dir / "bad.json", R"({"databaseChangeLog": [{"changeSet": {"id": "1", "author": "a",
  "changes": [{"sql": ")" + bad + R"("}]}}]})");
    EXPECT_EQ(parse_error(dir / "bad.json").kind(), ErrorKind::Parse);

    // XML keeps the bytes as written: nothing is lost or replaced.
    write_file(dir / "bad.xml", xml_changelog(changeset_with("<sql>" + bad + "</sql>")));
    Changelog changelog = format::parse_changelog(dir / "bad.xml");
    EXPECT_EQ(changelog.changesets.at(0).changes.at(0).value("sql"), bad);

    // Valid multi-byte text passes everywhere.
    write_file(dir / "ok.yaml", "databaseChangeLog:\n- changeSet:\n    id: 1\n    author: a\n"
                                "    changes:\n    - sql: SELECT 'é€𝄞'\n");
    EXPECT_EQ(format::parse_changelog(dir / "ok.yaml").changesets.at(0).changes.at(0).value("sql"),
              "SELECT 'é€𝄞'");
}

TEST(HostileText, MegabyteValuesAreAbbreviatedInMessages) {
    TempDir dir;
    const std::string huge(std::size_t{1} << 20, 'v');
    const std::string cases[] = {
        changeset_with("<sql>SELECT 1</sql>", " runAlways=\"" + huge + "\""),
        changeset_with("<sql>SELECT 1</sql>", " " + huge + "=\"1\""),
        changeset_with("<" + huge + "/>"),
        changeset_with("<preConditions onFail=\"" + huge + "\"/><sql>SELECT 1</sql>"),
    };
    for (const std::string& body : cases) {
        write_file(dir / "big.xml", xml_changelog(body));
        Error e = parse_error(dir / "big.xml");
        EXPECT_NE(std::string(e.what()).find("(1048576 bytes)"), std::string::npos) << e.what();
        EXPECT_EQ(e.where().line, kBodyLine);
    }
    write_file(dir / "big.yaml", "databaseChangeLog:\n- changeSet:\n    id: 1\n    author: a\n"
                                 "    runOrder: " +
                                     huge + "\n");
    std::string yaml_message = parse_error(dir / "big.yaml").what();
    EXPECT_NE(yaml_message.find("(1048576 bytes)"), std::string::npos) << yaml_message;

    // nlohmann repeats the token it last read: an unterminated megabyte string.
    write_file(dir / "big.json", R"({"databaseChangeLog": [{"changeSet": {"id": ")" + huge);
    std::string json_message = parse_error(dir / "big.json").what();
    EXPECT_NE(json_message.find("malformed JSON"), std::string::npos) << json_message;

    EXPECT_EQ(abbreviate("short"), "short");
    EXPECT_EQ(abbreviate(std::string(300, 'a')), std::string(200, 'a') + "\u2026(300 bytes)");
    // A multi-byte character is not cut in half.
    EXPECT_EQ(abbreviate("a\u00e9", 2), "a\u2026(3 bytes)");
}

} // namespace
} // namespace strata::test

namespace strata::test {
namespace {

TEST(HostileSecrets, ChangelogsCannotReadCredentialVariables) {
    ::setenv("STRATA_PASSWORD", "Secret-For-Tests", 1);
    ::setenv("LIQUIBASE_COMMAND_PASSWORD", "Secret-For-Tests", 1);
    TempDir dir;
    for (const char* variable :
         {"STRATA_PASSWORD", "LIQUIBASE_COMMAND_PASSWORD", "strata_url", "PGPASSWORD"}) {
        write_file(dir / "leak.xml",
                   xml_changelog(changeset_with(std::string("<sql>INSERT INTO t VALUES ('${") +
                                                variable + "}')</sql>")));
        Error e = parse_error(dir / "leak.xml");
        EXPECT_EQ(e.kind(), ErrorKind::Validation) << variable;
        EXPECT_NE(std::string(e.what()).find("names a credential"), std::string::npos) << e.what();
        EXPECT_EQ(std::string(e.describe()).find("Secret-For-Tests"), std::string::npos);
        EXPECT_GT(e.where().line, 0) << "the error names the line";
    }
    // Other variables still work, as in Liquibase.
    ::setenv("STRATA_TEST_TABLE_NAME", "from_env", 1);
    write_file(dir / "ok.xml",
               xml_changelog(changeset_with("<sql>SELECT * FROM ${STRATA_TEST_TABLE_NAME}</sql>")));
    Changelog log = format::parse_changelog(dir / "ok.xml");
    EXPECT_EQ(log.changesets.at(0).changes.at(0).value("sql"), "SELECT * FROM from_env");
    ::unsetenv("STRATA_PASSWORD");
    ::unsetenv("LIQUIBASE_COMMAND_PASSWORD");
    ::unsetenv("STRATA_TEST_TABLE_NAME");
}

} // namespace
} // namespace strata::test
