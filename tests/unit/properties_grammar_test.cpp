// SPDX-License-Identifier: Apache-2.0
// parse_properties reads what java.util.Properties.load reads (liquibase.properties and
// <property file=...>): each case here is one rule of that grammar.
#include <gtest/gtest.h>
#include <strata/error.hpp>
#include <strata/text.hpp>

namespace strata {
namespace {

using Map = std::map<std::string, std::string>;

TEST(PropertiesGrammar, SeparatorsAreEqualsColonOrWhiteSpace) {
    EXPECT_EQ(
        parse_properties("a=1\nb:2\nc 3\nd\t4\ne = 5\nf : 6\ng    =7\n"),
        (Map{{"a", "1"}, {"b", "2"}, {"c", "3"}, {"d", "4"}, {"e", "5"}, {"f", "6"}, {"g", "7"}}));
    EXPECT_EQ(parse_properties("url=jdbc:sqlite:a.db\n"), (Map{{"url", "jdbc:sqlite:a.db"}}))
        << "only the first separator counts";
    EXPECT_EQ(parse_properties("a b=c\n"), (Map{{"a", "b=c"}}));
    EXPECT_EQ(parse_properties("alone\nempty=\n"), (Map{{"alone", ""}, {"empty", ""}}));
}

TEST(PropertiesGrammar, CommentsAndBlankLines) {
    EXPECT_EQ(parse_properties("# hash\n! bang\n   # indented\n\n \t \na=1 # not a comment\n"),
              (Map{{"a", "1 # not a comment"}}));
}

TEST(PropertiesGrammar, ContinuationLines) {
    EXPECT_EQ(parse_properties("a = one, \\\n     two, \\\n\tthree\nb=2\n"),
              (Map{{"a", "one, two, three"}, {"b", "2"}}));
    EXPECT_EQ(parse_properties("a=ends in a backslash\\\\\nb=2\n"),
              (Map{{"a", "ends in a backslash\\"}, {"b", "2"}}))
        << "an even number of backslashes does not continue";
    EXPECT_EQ(parse_properties("a=x\\\n# not a comment when continued\n"),
              (Map{{"a", "x# not a comment when continued"}}));
    EXPECT_EQ(parse_properties("a=last\\"), (Map{{"a", "last"}})) << "continued past the end";
}

TEST(PropertiesGrammar, Escapes) {
    EXPECT_EQ(parse_properties("a=tab\\there\nb=\\u0041\\u00e9\\u20ac\nc=\\q\\\\\n"),
              (Map{{"a", "tab\there"}, {"b", "A\xc3\xa9\xe2\x82\xac"}, {"c", "q\\"}}));
    EXPECT_EQ(parse_properties("key\\ with\\ spaces=1\nk\\=eq=2\nk\\:colon=3\n"),
              (Map{{"key with spaces", "1"}, {"k=eq", "2"}, {"k:colon", "3"}}));
    EXPECT_EQ(parse_properties("s=\\ud83d\\ude00\n"), (Map{{"s", "\xf0\x9f\x98\x80"}}))
        << "a surrogate pair is one character";
    EXPECT_THROW(parse_properties("bad=\\u12\n"), Error);
    EXPECT_THROW(parse_properties("bad=\\uZZZZ\n"), Error);
}

TEST(PropertiesGrammar, LineEndingsAndRepeats) {
    EXPECT_EQ(parse_properties("a=1\r\nb=2\rc=3\n"), (Map{{"a", "1"}, {"b", "2"}, {"c", "3"}}));
    EXPECT_EQ(parse_properties("a=1\na=2\n"), (Map{{"a", "2"}})) << "the last definition wins";
    EXPECT_EQ(parse_properties("a=kept   \n"), (Map{{"a", "kept   "}}))
        << "trailing white space is part of the value, as in Java";
}

} // namespace
} // namespace strata
