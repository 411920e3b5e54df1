// SPDX-License-Identifier: Apache-2.0
// strata lint: each change rendered as update would run it, handed to the dialect's rules,
// with what users suppressed marked and the tables earlier changesets create left alone.
#include "engine_internal.hpp"

#include <fmt/format.h>
#include <map>
#include <regex>
#include <set>

namespace strata {

namespace {

// A table as the rules name it: without quotes and schema, in lower case, so "Public"."T",
// t and `t` are one table.
std::string table_key(std::string_view written) {
    std::string name(written);
    if (auto dot = name.find_last_of('.'); dot != std::string::npos)
        name = name.substr(dot + 1);
    std::string plain;
    for (char c : name) {
        if (c != '"' && c != '`' && c != '[' && c != ']')
            plain += c;
    }
    return to_lower(trim(plain));
}

// "strata:lint-ignore rule-a, rule-b the reason": in a changeset's comment, or in a comment
// of its SQL. Returns rule -> reason ("" when none was given, which lint reports).
std::map<std::string, std::string> suppressions(std::string_view text) {
    static const std::regex directive(
        R"(strata:lint-ignore[ \t]+([A-Za-z0-9_-]+(?:[ \t]*,[ \t]*[A-Za-z0-9_-]+)*)[ \t]*:?[ \t]*([^\r\n]*))");
    std::map<std::string, std::string> found;
    std::string subject(text);
    for (auto it = std::sregex_iterator(subject.begin(), subject.end(), directive);
         it != std::sregex_iterator(); ++it) {
        std::string reason = trim((*it)[2].str());
        // A reason ending where a block comment does keeps nothing of the comment's syntax.
        if (reason.size() >= 2 && reason.compare(reason.size() - 2, 2, "*/") == 0)
            reason = trim(reason.substr(0, reason.size() - 2));
        for (const std::string& rule : split_list((*it)[1].str()))
            found[rule] = reason;
    }
    return found;
}

bool blocks_something(const lint::Finding& finding) {
    return !finding.blocks.empty() && finding.blocks != "nothing";
}

} // namespace

LintReport Engine::lint(const Changelog& changelog, bool all) {
    dialect_.set_safety(settings_.safety);
    std::vector<const ChangeSet*> targets;
    if (all) {
        for (const ChangeSet& changeset : changelog.changesets) {
            if (!filtered_out(changeset, settings_.filter, dialect_.name()))
                targets.push_back(&changeset);
        }
    } else {
        targets = pending(changelog);
    }

    LintReport report;
    std::set<std::string, std::less<>> created;
    auto created_earlier = [&created](std::string_view table) {
        return created.count(table_key(table)) > 0;
    };
    const Capabilities capabilities = dialect_.capabilities();
    for (const ChangeSet* changeset : targets) {
        ++report.changesets;
        std::map<std::string, std::string> ignored = suppressions(changeset->comment);
        RenderContext context = render_context(*changeset);

        // Rendered first, all of them: one statement that cannot run in a transaction block
        // takes the whole changeset out of one, as update runs it.
        std::vector<lint::Subject> subjects;
        bool outside_transaction = false;
        for (const Change& change : changeset->changes) {
            if (!runs_here(change) || change.kind == ChangeKind::Output ||
                change.kind == ChangeKind::Stop || change.kind == ChangeKind::ExecuteCommand ||
                change.kind == ChangeKind::TagDatabase || change.kind == ChangeKind::Empty)
                continue;
            lint::Subject subject;
            subject.change = &change;
            subject.connection = &connection_;
            subject.created_earlier = created_earlier;
            // A dialect that renders from the live schema (SQLite's rebuild) cannot render a
            // change to a table an earlier pending changeset creates: its rules read the
            // change itself.
            if (!capabilities.renders_from_schema) {
                try {
                    for (std::string& statement : dialect_.render(change, context))
                        subject.statements.push_back(
                            apply_visitors(std::move(statement), *changeset, false));
                } catch (const Error&) {
                    // update reports what cannot be rendered; lint lints the rest
                }
            }
            for (const std::string& statement : subject.statements)
                outside_transaction = outside_transaction || leaves_transaction(statement);
            subjects.push_back(std::move(subject));
        }

        std::vector<std::size_t> lock_holders; // entries of this changeset that block others
        for (lint::Subject& subject : subjects) {
            subject.in_transaction = changeset->run_in_transaction && !outside_transaction &&
                                     capabilities.transactional_ddl;
            lint::Assessment assessment = dialect_.lint(subject);
            // A statement can only lock a table the change created after creating it.
            for (const std::string& table : assessment.creates)
                created.insert(table_key(table));
            std::map<std::string, std::string> ignored_here = ignored;
            for (const auto& [rule, reason] : suppressions(subject.change->value("sql")))
                ignored_here[rule] = reason;
            for (lint::Finding& finding : assessment.findings) {
                if (!finding.table.empty() && created_earlier(finding.table))
                    continue;
                LintEntry entry;
                entry.changeset = changeset->identifier();
                entry.where = subject.change->where;
                if (finding.statement >= 0 &&
                    static_cast<std::size_t>(finding.statement) < subject.statements.size())
                    entry.statement = subject.statements[finding.statement];
                auto rules = suppressions(entry.statement);
                ignored_here.insert(rules.begin(), rules.end());
                if (auto it = ignored_here.find(finding.rule); it != ignored_here.end()) {
                    if (it->second.empty()) {
                        lint::Finding missing;
                        missing.rule = "lint-ignore-without-reason";
                        missing.severity = lint::Severity::Error;
                        missing.message =
                            fmt::format("strata:lint-ignore {} gives no reason", finding.rule);
                        missing.fix = "write why it is safe after the rule: strata:lint-ignore " +
                                      finding.rule + " the table holds 10 rows";
                        report.entries.push_back({std::move(missing), entry.changeset, entry.where,
                                                  entry.statement, ""});
                    } else {
                        entry.suppressed_because = it->second;
                    }
                }
                entry.finding = std::move(finding);
                if (entry.suppressed_because.empty() && subject.in_transaction &&
                    entry.finding.severity != lint::Severity::Info &&
                    blocks_something(entry.finding))
                    lock_holders.push_back(report.entries.size());
                report.entries.push_back(std::move(entry));
            }
        }

        // Locks are held until the transaction ends: two tables locked by one changeset
        // stall the readers of both for as long as the slower statement takes.
        std::set<std::string> tables;
        for (std::size_t at : lock_holders)
            tables.insert(table_key(report.entries[at].finding.table));
        if (tables.size() >= 2 && ignored.count("several-locks-in-one-transaction") == 0) {
            lint::Finding several;
            several.rule = "several-locks-in-one-transaction";
            several.severity = lint::Severity::Warning;
            std::string names;
            for (const std::string& table : tables)
                names += (names.empty() ? "" : ", ") + table;
            several.table = *tables.begin();
            several.blocks = "what each lock blocks, until the changeset commits";
            several.message = fmt::format(
                "the changeset locks {} in one transaction: every lock is held until it commits",
                names);
            several.fix = "one lock-taking change per changeset, so each commits and lets go "
                          "before the next waits for its lock";
            report.entries.push_back(
                {std::move(several), changeset->identifier(), changeset->where, "", ""});
        }
    }
    return report;
}

} // namespace strata
