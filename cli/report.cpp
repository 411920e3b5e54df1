// SPDX-License-Identifier: Apache-2.0
#include "report.hpp"

#include <algorithm>
#include <clocale>
#include <cwchar>
#include <fmt/format.h>
#include <fmt/ostream.h>
#include <iostream>
#include <locale.h>
#include <nlohmann/json.hpp>
#include <unistd.h>
#include <wchar.h>

namespace strata::cli {

void print_json(std::ostream& out, std::string_view command, nlohmann::json body) {
    nlohmann::ordered_json document = {{"schemaVersion", kJsonSchemaVersion},
                                       {"command", std::string(command)}};
    for (auto& [key, value] : body.items())
        document[key] = std::move(value);
    out << document.dump(2) << "\n";
}

nlohmann::json error_json(const Error& error, int exit_code) {
    nlohmann::json report = {{"exitCode", exit_code},
                             {"kind", error_kind_name(error.kind())},
                             {"message", error.what()},
                             {"context", error.context()}};
    if (error.where().known()) {
        report["file"] = error.where().file;
        report["line"] = error.where().line;
        report["column"] = error.where().column;
    }
    if (!error.changeset().empty())
        report["changeset"] = error.changeset();
    if (!error.sql().empty())
        report["sql"] = error.sql();
    if (!error.hint().empty())
        report["hint"] = error.hint();
    return {{"error", report}};
}

std::string_view error_kind_name(ErrorKind kind) {
    switch (kind) {
    case ErrorKind::Usage:
        return "usage";
    case ErrorKind::Parse:
        return "parse";
    case ErrorKind::Validation:
        return "validation";
    case ErrorKind::ChecksumMismatch:
        return "checksum-mismatch";
    case ErrorKind::Plugin:
        return "plugin";
    case ErrorKind::Database:
        return "database";
    case ErrorKind::Lock:
        return "lock";
    case ErrorKind::Rollback:
        return "rollback";
    case ErrorKind::Internal:
        return "internal";
    case ErrorKind::HaltedPartway:
        return "halted-partway";
    }
    return "internal";
}

void print_update_summary(std::ostream& out, const UpdateSummary& summary) {
    fmt::print(out, "\nUPDATE SUMMARY\n{:<30}{}\n{:<30}{}\n{:<30}{}\n{}\n{:<30}{}\n\n",
               "Run:", summary.run, "Previously run:", summary.previously_run,
               "Filtered out:", summary.filtered_total(), std::string(31, '-'),
               "Total change sets:", summary.total);
    if (summary.filtered.empty())
        return;
    fmt::print(out, "\nFILTERED CHANGE SETS SUMMARY\n");
    for (const auto& [reason, count] : summary.filtered) {
        std::string label = reason + ":";
        fmt::print(out, "{:<{}}{}\n", label, std::max<std::size_t>(30, label.size() + 1), count);
    }
    fmt::print(out, "\n");
}

void print_status(std::ostream& out, const std::string& target,
                  const std::vector<const ChangeSet*>& pending, std::string_view json_command) {
    if (!json_command.empty()) {
        nlohmann::json report = {{"target", target}, {"pending", nlohmann::json::array()}};
        for (const ChangeSet* changeset : pending)
            report["pending"].push_back({{"id", changeset->id},
                                         {"author", changeset->author},
                                         {"path", changeset->path},
                                         {"comment", changeset->comment}});
        print_json(out, json_command, std::move(report));
        return;
    }
    if (pending.empty()) {
        fmt::print(out, "{} is up to date\n", target);
        return;
    }
    fmt::print(out, "{} changesets have not been applied to {}\n", pending.size(), target);
    for (const ChangeSet* changeset : pending)
        fmt::print(out, "     {}\n", changeset->identifier());
}

namespace {

/// Walks UTF-8 text one character at a time, giving each character's byte length and the
/// terminal columns it takes (wide characters two, combining marks none, a broken byte one).
template <typename Visit> void for_each_character(std::string_view text, Visit&& visit) {
    static locale_t utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", nullptr);
    if (utf8 == nullptr) {
        for (std::size_t i = 0; i < text.size(); ++i)
            if (!visit(std::size_t{1}, std::size_t{1}))
                return;
        return;
    }
    locale_t previous = uselocale(utf8);
    std::mbstate_t state{};
    const char* at = text.data();
    const char* end = text.data() + text.size();
    while (at < end) {
        wchar_t character = 0;
        std::size_t length =
            std::mbrtowc(&character, at, static_cast<std::size_t>(end - at), &state);
        std::size_t columns = 1;
        if (length == 0 || length == static_cast<std::size_t>(-1) ||
            length == static_cast<std::size_t>(-2)) {
            length = 1;
            state = {};
        } else {
            int width = wcwidth(character);
            columns = width < 0 ? 1 : static_cast<std::size_t>(width);
        }
        if (!visit(length, columns))
            break;
        at += length;
    }
    uselocale(previous);
}

/// A cell as a table shows it: on one line (line breaks and tabs become spaces), and on a
/// terminal at most kMaxCellWidth columns, cut with "…", so that one long comment or path
/// does not push every other column off the screen. Piped or written to a file, a table
/// keeps whole values for the programs that read it; `--format json` always does.
constexpr std::size_t kMaxCellWidth = 60;
std::string fit_cell(std::string_view text, bool cut) {
    std::string cell(text);
    std::replace_if(
        cell.begin(), cell.end(), [](char c) { return c == '\n' || c == '\r' || c == '\t'; }, ' ');
    if (!cut || display_width(cell) <= kMaxCellWidth)
        return cell;
    std::size_t kept_bytes = 0;
    std::size_t kept_columns = 0;
    for_each_character(cell, [&](std::size_t length, std::size_t columns) {
        if (kept_columns + columns > kMaxCellWidth - 1)
            return false;
        kept_bytes += length;
        kept_columns += columns;
        return true;
    });
    return cell.substr(0, kept_bytes) + "…";
}

} // namespace

/// How many terminal columns UTF-8 text takes (wide characters two, combining marks none),
/// so that a table with "Zoë" or "日本" in it stays aligned.
std::size_t display_width(std::string_view text) {
    std::size_t width = 0;
    for_each_character(text, [&](std::size_t, std::size_t columns) {
        width += columns;
        return true;
    });
    return width;
}

void print_table(std::ostream& out, const std::vector<std::string>& header,
                 const std::vector<std::vector<std::string>>& rows) {
    const bool on_terminal = &out == &std::cout && isatty(STDOUT_FILENO) != 0;
    std::vector<std::vector<std::string>> cells;
    cells.reserve(rows.size());
    for (const auto& row : rows) {
        cells.emplace_back();
        for (const std::string& value : row)
            cells.back().push_back(fit_cell(value, on_terminal));
    }
    std::vector<std::size_t> widths;
    for (const std::string& title : header)
        widths.push_back(display_width(title));
    for (const auto& row : cells) {
        for (std::size_t i = 0; i < row.size() && i < widths.size(); ++i)
            widths[i] = std::max(widths[i], display_width(row[i]));
    }
    std::string rule = "+";
    for (std::size_t width : widths)
        rule += std::string(width + 2, '-') + "+";
    auto line = [&](const std::vector<std::string>& row) {
        std::string text = "|";
        for (std::size_t i = 0; i < widths.size(); ++i) {
            std::string cell = i < row.size() ? row[i] : "";
            text += " " + cell + std::string(widths[i] - display_width(cell), ' ') + " |";
        }
        return text;
    };
    fmt::print(out, "{}\n{}\n{}\n", rule, line(header), rule);
    for (const auto& row : cells)
        fmt::print(out, "{}\n{}\n", line(row), rule);
}

void print_history(std::ostream& out, const std::string& target,
                   const std::vector<HistoryRow>& rows, std::string_view json_command) {
    if (!json_command.empty()) {
        nlohmann::json report = {{"target", target}, {"changesets", nlohmann::json::array()}};
        for (const HistoryRow& row : rows)
            report["changesets"].push_back({{"id", row.id},
                                            {"author", row.author},
                                            {"filename", row.filename},
                                            {"dateExecuted", row.date_executed},
                                            {"orderExecuted", row.order_executed},
                                            {"execType", row.exec_type},
                                            {"md5sum", row.md5sum.value_or("")},
                                            {"description", row.description},
                                            {"tag", row.tag.value_or("")},
                                            {"deploymentId", row.deployment_id.value_or("")}});
        print_json(out, json_command, std::move(report));
        return;
    }
    fmt::print(out, "History for {}\n\n", target);
    if (rows.empty()) {
        fmt::print(out, "No changesets deployed\n");
        return;
    }
    // One table per deployment, as Liquibase groups them.
    std::size_t start = 0;
    while (start < rows.size()) {
        std::size_t end = start;
        std::vector<std::vector<std::string>> table;
        while (end < rows.size() && rows[end].deployment_id == rows[start].deployment_id) {
            const HistoryRow& row = rows[end++];
            table.push_back({row.deployment_id.value_or(""), row.date_executed, row.filename,
                             row.author, row.id, row.tag.value_or("")});
        }
        print_table(out,
                    {"Deployment ID", "Update Date", "Changelog Path", "Changeset Author",
                     "Changeset ID", "Tag"},
                    table);
        fmt::print(out, "\n");
        start = end;
    }
}

void print_validation(std::ostream& out, const std::vector<ChecksumMismatch>& mismatches,
                      std::string_view json_command) {
    if (!json_command.empty()) {
        nlohmann::json report = {{"valid", mismatches.empty()},
                                 {"checksumMismatches", nlohmann::json::array()}};
        for (const ChecksumMismatch& mismatch : mismatches)
            report["checksumMismatches"].push_back({{"changeset", mismatch.identifier},
                                                    {"was", mismatch.stored},
                                                    {"isNow", mismatch.current}});
        print_json(out, json_command, std::move(report));
        return;
    }
    if (mismatches.empty())
        fmt::print(out, "No validation errors found.\n");
}

void print_plugins(std::ostream& out, const std::vector<PluginDescriptor>& plugins,
                   const std::vector<PluginProblem>& problems) {
    std::vector<std::vector<std::string>> rows;
    for (const PluginDescriptor& plugin : plugins)
        rows.push_back({plugin.name, plugin.version,
                        fmt::format("{}", fmt::join(plugin.url_schemes, ", ")),
                        plugin.file.string()});
    print_table(out, {"Dialect", "Version", "URL schemes", "File"}, rows);
    for (const PluginProblem& problem : problems)
        fmt::print(out, "unusable: {}\n", problem.message);
}

} // namespace strata::cli
