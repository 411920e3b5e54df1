// SPDX-License-Identifier: Apache-2.0
// Taking over a database Flyway migrated (see strata/core/flyway_takeover.hpp).
#include "strata/core/flyway_takeover.hpp"

#include "engine/engine_internal.hpp"
#include "strata/core/engine.hpp"
#include "strata/error.hpp"
#include "strata/identity.hpp"

#include <array>
#include <fmt/format.h>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <sstream>

namespace strata {
namespace flyway {
namespace {

// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), as java.util.zip.CRC32 computes it.
constexpr std::array<std::uint32_t, 256> crc_table() {
    std::array<std::uint32_t, 256> table{};
    for (std::uint32_t n = 0; n < 256; ++n) {
        std::uint32_t c = n;
        for (int k = 0; k < 8; ++k)
            c = (c & 1U) != 0 ? 0xEDB88320U ^ (c >> 1) : c >> 1;
        table[n] = c;
    }
    return table;
}
constexpr std::array<std::uint32_t, 256> kCrcTable = crc_table();

// "1.01.0" -> {"1", "1"}: leading zeros and trailing zero parts do not count.
std::vector<std::string> version_parts(std::string_view version) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (start <= version.size()) {
        std::size_t end = version.find_first_of("._", start);
        if (end == std::string_view::npos)
            end = version.size();
        std::string_view part = version.substr(start, end - start);
        while (part.size() > 1 && part.front() == '0')
            part.remove_prefix(1);
        parts.emplace_back(part);
        start = end + 1;
    }
    while (!parts.empty() && (parts.back() == "0" || parts.back().empty()))
        parts.pop_back();
    return parts;
}

std::string version_key(std::string_view version) {
    return fmt::format("{}", fmt::join(version_parts(version), "."));
}

bool truthy(const std::optional<std::string>& value) {
    if (!value)
        return false;
    std::string v = *value;
    return v == "1" || v == "t" || v == "T" || v == "true" || v == "TRUE" || v == "True" ||
           v == "b'1'";
}

// What a changeset of a Flyway folder was read from: 'V', 'B', 'R', or 0 for none.
char kind_of(const ChangeSet& changeset) {
    if (changeset.author != "flyway")
        return 0;
    std::string name = std::filesystem::path(changeset.where.file).filename().string();
    if (name.empty())
        return 0;
    char prefix = name.front();
    bool migration_name = name.ends_with(".sql") && name.find("__") != std::string::npos;
    if (!migration_name)
        return 0;
    if (prefix == 'R' && changeset.id == name.substr(0, name.size() - 4))
        return 'R';
    if (prefix == 'B' && changeset.id.starts_with('B'))
        return 'B';
    if (prefix == 'V')
        return 'V';
    return 0;
}

std::string version_of(const ChangeSet& changeset) {
    return kind_of(changeset) == 'B' ? changeset.id.substr(1) : changeset.id;
}

std::string script_name(std::string_view script) {
    std::size_t slash = script.find_last_of("/\\");
    return std::string(slash == std::string_view::npos ? script : script.substr(slash + 1));
}

} // namespace

std::int32_t checksum(std::string_view content) {
    if (content.starts_with("\xEF\xBB\xBF"))
        content.remove_prefix(3);
    // Line by line without the terminators is the CRC of every byte but \r and \n.
    std::uint32_t crc = 0xFFFFFFFFU;
    for (char c : content) {
        if (c == '\n' || c == '\r')
            continue;
        crc = kCrcTable[(crc ^ static_cast<unsigned char>(c)) & 0xFFU] ^ (crc >> 8);
    }
    return static_cast<std::int32_t>(crc ^ 0xFFFFFFFFU);
}

std::int32_t file_checksum(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in)
        throw Error(ErrorKind::Parse, fmt::format("cannot read '{}'", file.string()),
                    {file.string(), 0, 0}, "check that the file exists and is readable");
    std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return checksum(content);
}

int compare_versions(std::string_view a, std::string_view b) {
    std::vector<std::string> x = version_parts(a);
    std::vector<std::string> y = version_parts(b);
    for (std::size_t i = 0; i < std::max(x.size(), y.size()); ++i) {
        std::string_view p = i < x.size() ? std::string_view(x[i]) : "0";
        std::string_view q = i < y.size() ? std::string_view(y[i]) : "0";
        if (p.size() != q.size())
            return p.size() < q.size() ? -1 : 1;
        if (int order = p.compare(q); order != 0)
            return order < 0 ? -1 : 1;
    }
    return 0;
}

bool history_exists(const Dialect& dialect, Connection& connection) {
    return dialect.table_exists(connection, kHistoryTable);
}

std::vector<AppliedMigration> read_history(const Dialect& dialect, Connection& connection) {
    ResultSet result = connection.query(
        fmt::format("SELECT installed_rank, version, description, type, script, checksum, success "
                    "FROM {} ORDER BY installed_rank",
                    dialect.quote_identifier(kHistoryTable)));
    std::vector<AppliedMigration> rows;
    for (const Row& r : result.rows) {
        AppliedMigration row;
        row.installed_rank = std::stoi(r[0].value_or("0"));
        if (r[1] && !r[1]->empty())
            row.version = *r[1];
        row.description = r[2].value_or("");
        row.type = r[3].value_or("");
        row.script = r[4].value_or("");
        if (r[5] && !r[5]->empty())
            row.checksum = static_cast<std::int32_t>(std::stoll(*r[5]));
        row.success = truthy(r[6]);
        rows.push_back(std::move(row));
    }
    return rows;
}

bool is_flyway_folder(const Changelog& changelog) {
    for (const ChangeSet& changeset : changelog.changesets) {
        if (kind_of(changeset) != 0)
            return true;
    }
    return false;
}

TakeoverPlan plan_takeover(const Changelog& changelog, const std::vector<AppliedMigration>& rows) {
    TakeoverPlan plan;
    // Replay Flyway's history in installed_rank order: what stands applied at its end.
    std::map<std::string, const AppliedMigration*> versioned;  // version key -> row
    std::map<std::string, const AppliedMigration*> repeatable; // script file name -> row
    std::optional<std::string> baseline;                       // a BASELINE row's version
    std::optional<std::string> sql_baseline;                   // a B file Flyway applied
    for (const AppliedMigration& row : rows) {
        if (row.type == "SCHEMA")
            continue; // Flyway created the schema: nothing of the folder
        bool removes = row.type == "DELETE" || row.type.starts_with("UNDO_");
        if (!row.version) {
            if (removes)
                repeatable.erase(script_name(row.script));
            else if (!row.success)
                plan.failed.push_back(&row);
            else
                repeatable[script_name(row.script)] = &row;
            continue;
        }
        std::string key = version_key(*row.version);
        if (removes) {
            versioned.erase(key);
            continue;
        }
        if (!row.success) {
            plan.failed.push_back(&row);
            continue;
        }
        if (row.type == "BASELINE") {
            baseline = *row.version;
            continue;
        }
        if (row.type == "SQL_BASELINE")
            sql_baseline = *row.version;
        versioned[key] = &row;
    }

    std::set<std::string> resolved;
    auto covered_by = [](const std::optional<std::string>& limit, const std::string& version) {
        return limit && compare_versions(version, *limit) <= 0;
    };
    for (const ChangeSet& changeset : changelog.changesets) {
        char kind = kind_of(changeset);
        if (kind == 'R') {
            std::string name = std::filesystem::path(changeset.where.file).filename().string();
            if (auto it = repeatable.find(name); it != repeatable.end())
                plan.steps.push_back({&changeset, "EXECUTED", it->second});
            continue;
        }
        if (kind != 'V' && kind != 'B')
            continue;
        std::string version = version_of(changeset);
        std::string key = version_key(version);
        auto it = versioned.find(key);
        bool matches =
            it != versioned.end() && (kind == 'B') == (it->second->type == "SQL_BASELINE");
        if (matches) {
            resolved.insert(key);
            plan.steps.push_back({&changeset, "EXECUTED", it->second});
        } else if (kind == 'V' &&
                   (covered_by(baseline, version) || covered_by(sql_baseline, version))) {
            // Below a baseline: Flyway never runs it; strata records it as not run.
            plan.steps.push_back({&changeset, "MARK_RAN", nullptr});
        }
    }
    for (const auto& [key, row] : versioned) {
        if (!resolved.contains(key))
            plan.unresolved.push_back(row);
    }
    return plan;
}

} // namespace flyway

namespace {

std::string described(const flyway::AppliedMigration& row) {
    return row.version ? fmt::format("version {} ({}, installed_rank {})", *row.version, row.script,
                                     row.installed_rank)
                       : fmt::format("{} (installed_rank {})", row.script, row.installed_rank);
}

} // namespace

// The rule: a Flyway folder run against a schema with flyway_schema_history is refused when
// a migration Flyway applied (or a BASELINE row covers) has no row of its own in
// DATABASECHANGELOG, because update would run it again. That holds for a database Flyway
// alone migrated and for one Flyway migrated further after a takeover; a repeatable
// migration does not count (running one again is what it is for).
void Engine::refuse_flyway_database(const Changelog& changelog,
                                    const std::vector<HistoryRow>& rows) {
    if (!flyway::is_flyway_folder(changelog) || !flyway::history_exists(dialect_, connection_))
        return;
    std::vector<flyway::AppliedMigration> applied = flyway::read_history(dialect_, connection_);
    if (applied.empty())
        return;
    flyway::TakeoverPlan plan = flyway::plan_takeover(changelog, applied);
    std::set<std::string> recorded;
    for (const HistoryRow& row : rows)
        recorded.insert(identity_key(row.id, row.author, row.filename));
    std::vector<std::string> missing;
    for (const flyway::TakeoverStep& step : plan.steps) {
        const ChangeSet& changeset = *step.changeset;
        bool repeatable = step.applied != nullptr && !step.applied->version;
        if (!repeatable &&
            !recorded.contains(identity_key(changeset.id, changeset.author, changeset.path)))
            missing.push_back(std::filesystem::path(changeset.where.file).filename().string());
    }
    for (const flyway::AppliedMigration* row : plan.failed)
        missing.push_back(fmt::format("{} (failed)", row->script));
    if (missing.empty())
        return;
    std::size_t count = missing.size();
    constexpr std::size_t kNamed = 10;
    if (count > kNamed) {
        missing.resize(kNamed);
        missing.push_back(fmt::format("and {} more", count - kNamed));
    }
    throw Error(ErrorKind::Validation,
                fmt::format("this database was migrated by Flyway: {} records {} migration(s) "
                            "that DATABASECHANGELOG does not ({}); update would run them again",
                            flyway::kHistoryTable, count, fmt::join(missing, ", ")),
                {},
                fmt::format("run `strata flyway-takeover --changelog-file={}` once to record "
                            "Flyway's history in DATABASECHANGELOG",
                            changelog.path));
}

FlywayTakeoverSummary Engine::flyway_takeover(const Changelog& changelog) {
    if (!flyway::is_flyway_folder(changelog))
        throw Error(ErrorKind::Usage,
                    fmt::format("'{}' is not a folder of Flyway migrations", changelog.path), {},
                    "give --changelog-file the folder Flyway migrated from (V1__...sql files)");
    RunLock lock(*this);
    if (!flyway::history_exists(dialect_, connection_))
        throw Error(ErrorKind::Validation,
                    fmt::format("there is no {} table in {}", flyway::kHistoryTable,
                                settings_.target.display),
                    {}, "check --url (and the schema) points at the database Flyway migrated");
    std::vector<flyway::AppliedMigration> applied = flyway::read_history(dialect_, connection_);
    flyway::TakeoverPlan plan = flyway::plan_takeover(changelog, applied);

    // Everything is checked before anything is written.
    if (!plan.failed.empty()) {
        std::vector<std::string> failed;
        for (const flyway::AppliedMigration* row : plan.failed)
            failed.push_back(described(*row));
        throw Error(ErrorKind::Validation,
                    fmt::format("{} records failed migrations: {}", flyway::kHistoryTable,
                                fmt::join(failed, "; ")),
                    {},
                    "repair the database as Flyway would require (fix what the migration left "
                    "half done, then `flyway repair`) before the takeover");
    }
    if (!plan.unresolved.empty()) {
        std::vector<std::string> missing;
        for (const flyway::AppliedMigration* row : plan.unresolved)
            missing.push_back(described(*row));
        throw Error(ErrorKind::Validation,
                    fmt::format("Flyway applied migrations that '{}' has no file for: {}",
                                changelog.path, fmt::join(missing, "; ")),
                    {}, "put those migrations back in the folder (or use the folder Flyway used)");
    }
    std::vector<std::string> changed;
    std::vector<const flyway::TakeoverStep*> to_record;
    FlywayTakeoverSummary summary;
    for (const flyway::TakeoverStep& step : plan.steps) {
        if (step.applied != nullptr && step.applied->checksum) {
            std::int32_t current = flyway::file_checksum(step.changeset->where.file);
            if (current != *step.applied->checksum) {
                if (!step.applied->version) {
                    summary.changed_repeatables.push_back(step.changeset->identifier());
                    continue; // changed since: the next update runs it, as Flyway would
                }
                changed.push_back(
                    fmt::format("{} (version {}): Flyway's checksum {}, the file's {}",
                                step.changeset->where.file, *step.applied->version,
                                *step.applied->checksum, current));
                continue;
            }
        }
        to_record.push_back(&step);
    }
    if (!changed.empty())
        throw Error(ErrorKind::ChecksumMismatch,
                    fmt::format("migrations changed since Flyway applied them: {}",
                                fmt::join(changed, "; ")),
                    {}, "restore the files as Flyway applied them; nothing was recorded");

    ensure_history_table();
    std::vector<HistoryRow> rows = read_history();
    HistoryIndex by_identity = index(rows);
    for (const flyway::TakeoverStep* step : to_record) {
        const ChangeSet& changeset = *step->changeset;
        if (by_identity.contains(identity_key(changeset.id, changeset.author, changeset.path))) {
            summary.already_recorded.push_back(changeset.identifier());
            continue;
        }
        sql_changeset_ = changeset.identifier();
        run(history_.insert_sql(new_row(changeset, step->exec_type)));
        sql_changeset_.clear();
        (step->exec_type == "MARK_RAN" ? summary.mark_ran : summary.executed)
            .push_back(changeset.identifier());
    }
    return summary;
}

} // namespace strata
