// SPDX-License-Identifier: Apache-2.0
// strata lint, and the lint that update and validate run first: what each pending changeset
// would lock and block, as text (compiler-style lines), JSON, or SARIF for code scanning.
#include "commands.hpp"
#include "handlers.hpp"
#include "report.hpp"
#include "session.hpp"

#include <algorithm>
#include <filesystem>
#include <fmt/format.h>
#include <iostream>
#include <nlohmann/json.hpp>
#include <strata/lint.hpp>

namespace strata::cli {
namespace {

constexpr int kLintExitCode = 7; // README "Exit codes": lint findings at --fail-on

int rank(lint::Severity severity) {
    return static_cast<int>(severity) + 1; // info 1, warning 2, error 3
}

// none 4 (nothing stops), info 1, warning 2, error 3.
int threshold(const std::string& fail_on) {
    if (fail_on == "info")
        return 1;
    if (fail_on == "warning")
        return 2;
    if (fail_on == "error")
        return 3;
    return 4;
}

bool stops(const LintEntry& entry, int at) {
    return entry.suppressed_because.empty() && rank(entry.finding.severity) >= at;
}

std::string one_line(std::string_view text, std::size_t limit = 160) {
    std::string line;
    bool space = false;
    for (char c : text) {
        bool blank = c == ' ' || c == '\n' || c == '\r' || c == '\t';
        if (blank) {
            space = !line.empty();
            continue;
        }
        if (space)
            line += ' ';
        space = false;
        line += c;
    }
    if (line.size() > limit)
        line = line.substr(0, limit - 3) + "...";
    return line;
}

void print_text(std::ostream& out, const LintReport& report) {
    int counts[3] = {0, 0, 0};
    int suppressed = 0;
    for (const LintEntry& entry : report.entries) {
        const lint::Finding& finding = entry.finding;
        if (!entry.suppressed_because.empty()) {
            ++suppressed;
            continue;
        }
        ++counts[static_cast<int>(finding.severity)];
        std::string where = entry.where.str();
        out << (where.empty() ? std::string() : where + ": ")
            << lint::severity_name(finding.severity) << " [" << finding.rule << "] "
            << finding.message << "\n";
        out << "    changeSet " << entry.changeset << "\n";
        if (!entry.statement.empty())
            out << "    statement: " << one_line(entry.statement) << "\n";
        if (!finding.lock.empty())
            out << "    lock: " << finding.lock
                << (finding.table.empty() ? "" : " on " + finding.table)
                << (finding.blocks.empty() ? "" : ", blocks " + finding.blocks) << "\n";
        if (!finding.fix.empty())
            out << "    fix: " << finding.fix << "\n";
    }
    out << fmt::format(
        "lint: {} changeset(s), {} error(s), {} warning(s), {} info, {} suppressed\n",
        report.changesets, counts[2], counts[1], counts[0], suppressed);
}

nlohmann::json entry_json(const LintEntry& entry) {
    const lint::Finding& finding = entry.finding;
    nlohmann::json item = {
        {"rule", finding.rule},         {"severity", lint::severity_name(finding.severity)},
        {"changeset", entry.changeset}, {"file", entry.where.file},
        {"line", entry.where.line},     {"table", finding.table},
        {"lock", finding.lock},         {"blocks", finding.blocks},
        {"message", finding.message},   {"fix", finding.fix},
        {"statement", entry.statement}};
    item["suppressed"] = entry.suppressed_because.empty()
                             ? nlohmann::json()
                             : nlohmann::json(entry.suppressed_because);
    return item;
}

// SARIF 2.1.0, as GitHub code scanning and other CI viewers read it.
nlohmann::json sarif(const LintReport& report, const std::vector<lint::Rule>& rules) {
    auto level = [](lint::Severity severity) {
        return severity == lint::Severity::Error     ? "error"
               : severity == lint::Severity::Warning ? "warning"
                                                     : "note";
    };
    nlohmann::json rule_list = nlohmann::json::array();
    for (const lint::Rule& rule : rules)
        rule_list.push_back({{"id", rule.id},
                             {"shortDescription", {{"text", rule.summary}}},
                             {"fullDescription", {{"text", rule.why}}},
                             {"help", {{"text", rule.fix}}},
                             {"defaultConfiguration", {{"level", level(rule.severity)}}}});
    nlohmann::json results = nlohmann::json::array();
    for (const LintEntry& entry : report.entries) {
        const lint::Finding& finding = entry.finding;
        std::string text = finding.message + (finding.fix.empty() ? "" : " Fix: " + finding.fix);
        nlohmann::json result = {{"ruleId", finding.rule},
                                 {"level", level(finding.severity)},
                                 {"message", {{"text", text}}}};
        if (!entry.where.file.empty()) {
            nlohmann::json region = {{"startLine", std::max(1, entry.where.line)}};
            result["locations"] = {
                {{"physicalLocation",
                  {{"artifactLocation", {{"uri", entry.where.file}}}, {"region", region}}}}};
        }
        if (!entry.suppressed_because.empty())
            result["suppressions"] = {
                {{"kind", "inSource"}, {"justification", entry.suppressed_because}}};
        results.push_back(result);
    }
    return {{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
            {"version", "2.1.0"},
            {"runs",
             {{{"tool",
                {{"driver",
                  {{"name", "strata"},
                   {"informationUri", "https://github.com/strata-db/strata"},
                   {"rules", rule_list}}}}},
               {"results", results}}}}};
}

void print_rules(std::ostream& out, const std::string& dialect,
                 const std::vector<lint::Rule>& rules, bool as_json) {
    if (as_json) {
        nlohmann::json list = nlohmann::json::array();
        for (const lint::Rule& rule : rules)
            list.push_back({{"id", rule.id},
                            {"severity", lint::severity_name(rule.severity)},
                            {"summary", rule.summary},
                            {"why", rule.why},
                            {"fix", rule.fix}});
        print_json(out, "lint", {{"dialect", dialect}, {"rules", list}});
        return;
    }
    for (const lint::Rule& rule : rules) {
        out << rule.id << " (" << lint::severity_name(rule.severity) << "): " << rule.summary
            << "\n    why: " << rule.why << "\n    fix: " << rule.fix << "\n";
    }
}

std::vector<lint::Rule> all_rules(Session& session) {
    std::vector<lint::Rule> rules = session.database().dialect().lint_rules();
    rules.push_back({"several-locks-in-one-transaction", lint::Severity::Warning,
                     "One changeset locks several tables in one transaction",
                     "Every lock is held until the transaction commits, so the readers of each "
                     "table wait for the slowest statement of the changeset.",
                     "One lock-taking change per changeset."});
    rules.push_back({"lint-ignore-without-reason", lint::Severity::Error,
                     "A strata:lint-ignore that gives no reason",
                     "A suppression nobody can review is a finding hidden, not decided.",
                     "strata:lint-ignore <rule> <why it is safe here>"});
    return rules;
}

} // namespace

int run_lint(Session& session) {
    const Settings& settings = session.settings();
    if (settings.list_rules) {
        print_rules(session.out(), session.database().dialect().name(), all_rules(session),
                    settings.format == "json");
        return 0;
    }
    LintReport report = session.engine().lint(session.changelog(), settings.all_changesets);
    if (settings.format == "sarif")
        session.out() << sarif(report, all_rules(session)).dump(2) << "\n";
    else if (settings.format == "json") {
        nlohmann::json findings = nlohmann::json::array();
        for (const LintEntry& entry : report.entries)
            findings.push_back(entry_json(entry));
        print_json(session.out(), "lint",
                   {{"target", session.target()},
                    {"changesets", report.changesets},
                    {"findings", findings}});
    } else {
        print_text(session.out(), report);
    }
    int at = threshold(settings.fail_on.empty() ? "error" : settings.fail_on);
    bool stop = std::any_of(report.entries.begin(), report.entries.end(),
                            [at](const LintEntry& entry) { return stops(entry, at); });
    return stop ? kLintExitCode : 0;
}

bool lint_stops(Session& session) {
    const Settings& settings = session.settings();
    LintReport report = session.engine().lint(session.changelog());
    int at = threshold(settings.fail_on.empty() ? "none" : settings.fail_on);
    bool stop = false;
    int shown = 0;
    for (const LintEntry& entry : report.entries) {
        if (!entry.suppressed_because.empty() || entry.finding.severity == lint::Severity::Info)
            continue;
        stop = stop || stops(entry, at);
        ++shown;
        session.info(fmt::format(
            "{}: lint {} [{}] {} (changeSet {}){}", entry.where.str(),
            lint::severity_name(entry.finding.severity), entry.finding.rule, entry.finding.message,
            entry.changeset, entry.finding.fix.empty() ? "" : "\n    fix: " + entry.finding.fix));
    }
    for (const LintEntry& entry : report.entries)
        stop = stop || stops(entry, at);
    if (stop)
        session.info(fmt::format("lint: findings at --fail-on={}: nothing was run; `strata lint` "
                                 "explains each, strata:lint-ignore <rule> <reason> in the "
                                 "changeset's comment accepts one",
                                 settings.fail_on));
    else if (shown > 0)
        session.info(fmt::format("lint: {} finding(s) above; `strata lint` explains each", shown));
    return stop;
}

} // namespace strata::cli
