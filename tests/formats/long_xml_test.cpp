// SPDX-License-Identifier: Apache-2.0
// A long run of changeSet elements is read on two threads when the file expands no ${...}:
// the model, the positions and the checksums are those of a read on one thread, and an error
// is still the first one in the document.
#include "model_text.hpp"
#include "test_support.hpp"

#include <algorithm>
#include <gtest/gtest.h>
#include <strata/format/parse.hpp>

namespace strata::test {
namespace {

constexpr int kChangesets = 1200; // above the reader's two-thread threshold

// kChangesets changesets; `broken` (1-based, 0 for none) gets an unknown change type.
std::string long_changelog(const std::vector<int>& broken = {}, bool with_property = false) {
    std::string body;
    if (with_property)
        body += R"(<property name="unused" value="x"/>)"
                "\n";
    for (int i = 1; i <= kChangesets; ++i) {
        bool bad = std::find(broken.begin(), broken.end(), i) != broken.end();
        body += fmt::format(R"x(<changeSet id="{0}" author="a">
  <{1} tableName="t{0}"><column name="id" type="int"/><column name="v{0}" type="varchar(20)"/></{1}>
  <rollback><dropTable tableName="t{0}"/></rollback>
</changeSet>
)x",
                            i, bad ? "createTabel" : "createTable");
    }
    return xml_changelog(body);
}

TEST(LongXmlChangelog, TwoThreadsReadWhatOneReads) {
    TempDir dir;
    write_file(dir / "app.xml", long_changelog());
    // A ${ anywhere keeps the reader on one thread: the same changesets, read that way.
    std::string one_thread = long_changelog({}, true);
    one_thread.replace(one_thread.find("<property"), 0, "<!-- ${unused} -->\n");
    write_file(dir / "one.xml", one_thread);
    Changelog two = format::parse_changelog(dir / "app.xml");
    Changelog one = format::parse_changelog(dir / "one.xml");
    ASSERT_EQ(two.changesets.size(), static_cast<std::size_t>(kChangesets));
    EXPECT_EQ(model_text(two, false), model_text(one, false));
    EXPECT_EQ(checksums_text(two), checksums_text(one));
    for (int i = 0; i < kChangesets; ++i) {
        EXPECT_EQ(two.changesets[i].id, std::to_string(i + 1));
        // one.xml has two lines more before the changesets (the comment and the property).
        EXPECT_EQ(two.changesets[i].where.line + 2, one.changesets[i].where.line) << i;
    }
}

TEST(LongXmlChangelog, TheErrorReportedIsTheFirstInTheDocument) {
    TempDir dir;
    // xml_changelog's prolog takes 4 lines; each changeset 4, its change on the second.
    auto line_of_change = [](int n) { return 5 + 4 * (n - 1) + 1; };
    for (const std::vector<int>& broken : std::vector<std::vector<int>>{{1100}, {90, 1100}}) {
        write_file(dir / "app.xml", long_changelog(broken));
        try {
            format::parse_changelog(dir / "app.xml");
            ADD_FAILURE() << "an unknown change type was accepted";
        } catch (const Error& e) {
            EXPECT_NE(std::string(e.what()).find("createTabel"), std::string::npos) << e.what();
            EXPECT_EQ(e.where().line, line_of_change(broken.front())) << e.describe();
        }
    }
}

} // namespace
} // namespace strata::test
