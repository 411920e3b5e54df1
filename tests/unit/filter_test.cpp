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

TEST(Filter, InheritedContextsMustHoldTooAndLabelsAdd) {
    // An include's context="prod" around a changeset with context="eu": both must hold.
    ChangeSet cs = changeset_with("eu", "own");
    cs.inherited_contexts = {"prod"};
    cs.inherited_labels = {"inc"};
    RunFilter filter;
    filter.contexts = "eu";
    EXPECT_EQ(filtered_out(cs, filter, "sqlite"), "Context mismatch");
    filter.contexts = "eu, prod";
    EXPECT_FALSE(filtered_out(cs, filter, "sqlite"));
    filter.labels = "inc and own";
    EXPECT_FALSE(filtered_out(cs, filter, "sqlite")) << "inherited labels belong to it";
    filter.labels = "inc and !own";
    EXPECT_EQ(filtered_out(cs, filter, "sqlite"), "Label mismatch");
}

TEST(Filter, StoredColumnsFollowLiquibasesRules) {
    // The rules measured in tests/data/liquibase-conformance (expected.tsv); the full set of
    // measured rows is checked by LiquibaseConformance in liquibase_conformance_test.cpp.
    ChangeSet cs = changeset_with("x or y", "ll");
    cs.inherited_contexts = {"inner", "midfile", "outer"};
    cs.inherited_labels = {"li", "lo"};
    EXPECT_EQ(contexts_column(cs), "inner AND midfile AND outer AND (x or y)");
    EXPECT_EQ(labels_column(cs), "li,lo,ll");
    EXPECT_EQ(contexts_column(changeset_with("!test", "")), "!test");
    EXPECT_EQ(contexts_column(changeset_with("dev,qa", "")), "(dev,qa)");
    EXPECT_EQ(contexts_column(changeset_with("", "")), std::nullopt);
    EXPECT_EQ(labels_column(changeset_with("", " a , a , B ")), "a,b");
    EXPECT_EQ(labels_column(changeset_with("", "")), std::nullopt);
}

} // namespace
} // namespace strata
