// SPDX-License-Identifier: Apache-2.0
#include <gtest/gtest.h>
#include <strata/filter.hpp>

namespace strata {
namespace {

TEST(Expression, EmptyIsTrue) {
    EXPECT_TRUE(evaluate_expression("  ", {}));
}

TEST(Expression, NamesOperatorsAndParentheses) {
    std::set<std::string> dev{"dev"};
    EXPECT_TRUE(evaluate_expression("dev", dev));
    EXPECT_FALSE(evaluate_expression("prod", dev));
    EXPECT_TRUE(evaluate_expression("prod, dev", dev));
    EXPECT_TRUE(evaluate_expression("prod or dev", dev));
    EXPECT_FALSE(evaluate_expression("dev and prod", dev));
    EXPECT_TRUE(evaluate_expression("!prod", dev));
    EXPECT_FALSE(evaluate_expression("not dev", dev));
    EXPECT_TRUE(evaluate_expression("(prod or dev) and !test", dev));
    EXPECT_FALSE(evaluate_expression("(prod or dev) and !dev", dev));
    EXPECT_TRUE(evaluate_expression("DEV", dev)) << "names compare case-insensitively";
}

TEST(Expression, MalformedIsAValidationError) {
    try {
        (void)evaluate_expression("(dev and", {});
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Validation);
        EXPECT_NE(std::string(e.what()).find("(dev and"), std::string::npos);
    }
}

TEST(Dbms, ListsNegationAllAndNone) {
    EXPECT_TRUE(dbms_matches("sqlite", "sqlite"));
    EXPECT_TRUE(dbms_matches("postgresql, sqlite", "sqlite"));
    EXPECT_FALSE(dbms_matches("postgresql", "sqlite"));
    EXPECT_FALSE(dbms_matches("!sqlite", "sqlite"));
    EXPECT_TRUE(dbms_matches("!postgresql", "sqlite"));
    EXPECT_TRUE(dbms_matches("all", "sqlite"));
    EXPECT_FALSE(dbms_matches("none", "sqlite"));
}

ChangeSet changeset_with(std::string context, std::string labels) {
    ChangeSet cs;
    cs.context_filter = std::move(context);
    cs.labels = std::move(labels);
    return cs;
}

TEST(Filter, ContextsFollowLiquibase) {
    RunFilter filter;
    EXPECT_FALSE(filtered_out(changeset_with("dev", ""), filter, "sqlite"))
        << "no --contexts: everything runs";
    filter.contexts = "prod";
    EXPECT_EQ(filtered_out(changeset_with("dev", ""), filter, "sqlite"), "Context mismatch");
    EXPECT_FALSE(filtered_out(changeset_with("", ""), filter, "sqlite"))
        << "a changeset without context always runs";
    EXPECT_FALSE(filtered_out(changeset_with("dev or prod", ""), filter, "sqlite"));
}

TEST(Filter, LabelsAreAnExpressionOverTheChangesetsLabels) {
    RunFilter filter;
    filter.labels = "seed and !slow";
    EXPECT_FALSE(filtered_out(changeset_with("", "seed"), filter, "sqlite"));
    EXPECT_EQ(filtered_out(changeset_with("", "seed, slow"), filter, "sqlite"), "Label mismatch");
    EXPECT_FALSE(filtered_out(changeset_with("", ""), filter, "sqlite"));
}

TEST(Filter, IgnoreAndDbms) {
    ChangeSet cs;
    cs.ignore = true;
    EXPECT_EQ(filtered_out(cs, {}, "sqlite"), "Ignored");
    cs.ignore = false;
    cs.dbms = "postgresql";
    EXPECT_EQ(filtered_out(cs, {}, "sqlite"), "DBMS mismatch");
}

} // namespace
} // namespace strata
