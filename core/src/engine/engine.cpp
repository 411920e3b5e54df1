// SPDX-License-Identifier: Apache-2.0
// The engine's shared ground: history reads, checksums, history rows, SQL output.
#include "engine_internal.hpp"
#include "strata/core/checksum.hpp"
#include "strata/core/rollback.hpp"

#include <algorithm>
#include <filesystem>
#include <fmt/format.h>
#include <future>
#include <set>
#include <thread>
#include <tuple>
#include <utility>

namespace strata {

int UpdateSummary::filtered_total() const {
    int sum = 0;
    for (const auto& [reason, count] : filtered)
        sum += count;
    return sum;
}

Engine::Engine(Dialect& dialect, Connection& connection, EngineSettings settings,
               std::ostream* sql_output)
    : dialect_(dialect), settings_(std::move(settings)), connection_(connection, settings_.sql_log),
      sql_output_(sql_output), history_(dialect, own_table(settings_.history_table)),
      locks_(dialect, own_table(settings_.lock_table)),
      captures_(dialect, own_table(settings_.capture_table)),
      progress_(dialect, own_table(settings_.progress_table)),
      deployment_id_(make_deployment_id()) {}

TableName Engine::own_table(const std::string& name) const {
    return {settings_.own_schema, name};
}

void Engine::run(const std::string& sql) {
    if (sql_output_ != nullptr) {
        if (settings_.on_sql_statement)
            settings_.on_sql_statement(sql_changeset_, sql);
        else
            *sql_output_ << sql << ";\n\n";
        if (rehearsing_) {
            try {
                execute(sql);
            } catch (const Error&) {
                // Only the renders after it read the rehearsal; the printed SQL stands as is.
            }
        }
        return;
    }
    execute(sql);
}

void Engine::execute(const std::string& sql) {
    connection_.execute(sql);
}

void Engine::ensure_history_table() {
    history_exists_ = history_.exists(connection_);
    if (history_exists_)
        return;
    if (sql_output_ != nullptr)
        *sql_output_ << "-- Create Database Change Log Table\n";
    run(history_.create_sql());
    history_exists_ = sql_output_ == nullptr;
}

std::vector<HistoryRow> Engine::read_history() {
    if (!history_exists_ && !history_.exists(connection_))
        return {};
    history_exists_ = true;
    std::vector<HistoryRow> rows = history_.read(connection_);
    next_order_ = 1;
    for (const HistoryRow& row : rows)
        next_order_ = std::max(next_order_, row.order_executed + 1);
    return rows;
}

Engine::HistoryIndex Engine::index(const std::vector<HistoryRow>& rows) const {
    HistoryIndex by_identity;
    by_identity.reserve(rows.size());
    for (const HistoryRow& row : rows)
        by_identity[identity_key(row.id, row.author, row.filename)] = &row;
    return by_identity;
}

std::string Engine::current_checksum(const ChangeSet& changeset) {
    auto it = checksums_.find(&changeset);
    if (it != checksums_.end())
        return it->second;
    std::string sum = checksum::of_changeset(changeset, checksum::Version::V9, dialect_.name());
    checksums_.emplace(&changeset, sum);
    return sum;
}

// strata called a MariaDB server "mysql" before it called it "mariadb" as Liquibase does; a
// dbms-targeted change made the v9 checksums it wrote there depend on that name. Such a
// checksum still stands for the unchanged changeset (and update rewrites it).
bool Engine::legacy_mariadb_checksum(const ChangeSet& changeset, const HistoryRow& row) {
    return row.md5sum && dialect_.name() == "mariadb" && row.md5sum->starts_with("9:") &&
           *row.md5sum != current_checksum(changeset) &&
           checksum::of_changeset(changeset, checksum::Version::V9, "mysql") == *row.md5sum;
}

bool Engine::checksum_changed(const ChangeSet& changeset, const HistoryRow& row) {
    if (!row.md5sum)
        return false; // cleared checksums are recomputed, never a change
    // Most rows hold a v9 checksum, compared without parsing it.
    std::string current;
    if (!row.md5sum->starts_with("9:") && checksum::parse(*row.md5sum).version == 8)
        current = checksum::of_changeset(changeset, checksum::Version::V8, dialect_.name());
    else
        current = current_checksum(changeset);
    if (current == *row.md5sum || legacy_mariadb_checksum(changeset, row))
        return false;
    for (const std::string& valid : changeset.valid_checksums) {
        std::string v = trim(valid);
        std::transform(v.begin(), v.end(), v.begin(),
                       [](unsigned char c) { return std::tolower(c); });
        if (v == "any" || v == "all" || v == "*" || v == *row.md5sum || v == current)
            return false;
    }
    return true;
}

void Engine::compute_checksums(const std::vector<const ChangeSet*>& changesets) {
    std::vector<const ChangeSet*> missing;
    for (const ChangeSet* changeset : changesets)
        if (!checksums_.contains(changeset))
            missing.push_back(changeset);
    std::vector<std::optional<std::string>> sums(missing.size());
    auto compute = [&](std::size_t from, std::size_t to) {
        for (std::size_t i = from; i < to; ++i) {
            try {
                sums[i] =
                    checksum::of_changeset(*missing[i], checksum::Version::V9, dialect_.name());
            } catch (const std::exception&) {
                // A checksum that cannot be computed (an sqlFile that is missing) is left to
                // current_checksum, which reports it where it always did.
            }
        }
    };
    // A thread costs about as much as a few dozen checksums: short changelogs stay on one.
    constexpr std::size_t kPerThreadAtLeast = 256;
    std::size_t threads = std::clamp<std::size_t>(std::thread::hardware_concurrency(), 1, 8);
    threads = std::min(threads, std::max<std::size_t>(1, missing.size() / kPerThreadAtLeast));
    std::size_t share = (missing.size() + threads - 1) / std::max<std::size_t>(threads, 1);
    std::vector<std::future<void>> others;
    for (std::size_t t = 1; t < threads; ++t)
        others.push_back(std::async(std::launch::async, compute, t * share,
                                    std::min(missing.size(), (t + 1) * share)));
    compute(0, std::min(missing.size(), share));
    for (std::future<void>& other : others)
        other.get();
    for (std::size_t i = 0; i < missing.size(); ++i)
        if (sums[i])
            checksums_.emplace(missing[i], std::move(*sums[i]));
}

std::vector<ChecksumMismatch> Engine::mismatches(const Changelog& changelog,
                                                 const HistoryIndex& by_identity) {
    std::vector<std::pair<const ChangeSet*, const HistoryRow*>> compared;
    for (const ChangeSet& changeset : changelog.changesets) {
        auto it = by_identity.find(identity_key(changeset.id, changeset.author, changeset.path));
        // Like Liquibase's validation, only the changesets this run would run are checked, so
        // a same-identity changeset left out by contexts is not compared with the other's row.
        if (it == by_identity.end() || changeset.run_on_change || changeset.run_always ||
            changeset.mark_ran_on_validation_fail ||
            filtered_out(changeset, settings_.filter, dialect_.name()))
            continue;
        compared.emplace_back(&changeset, it->second);
    }
    std::vector<const ChangeSet*> with_checksum;
    for (const auto& [changeset, row] : compared)
        if (row->md5sum)
            with_checksum.push_back(changeset);
    compute_checksums(with_checksum);
    std::vector<ChecksumMismatch> found;
    for (const auto& [changeset, row] : compared) {
        if (checksum_changed(*changeset, *row))
            found.push_back({changeset->identifier(), *row->md5sum, current_checksum(*changeset)});
    }
    return found;
}

void Engine::require_valid_checksums(const Changelog& changelog, const HistoryIndex& by_identity) {
    std::vector<ChecksumMismatch> found = mismatches(changelog, by_identity);
    if (found.empty())
        return;
    std::string text =
        fmt::format("Validation Failed:\n     {} changesets check sum", found.size());
    for (const ChecksumMismatch& mismatch : found)
        text += fmt::format("\n          {} was: {} but is now: {}", mismatch.identifier,
                            mismatch.stored, mismatch.current);
    throw Error(
        ErrorKind::ChecksumMismatch, text, {},
        "an applied changeset was edited: revert the edit, add <validCheckSum> with the new "
        "value, or mark the changeset runOnChange=\"true\"");
}

HistoryRow Engine::new_row(const ChangeSet& changeset, std::string exec_type) {
    HistoryRow row;
    row.id = changeset.id;
    row.author = changeset.author;
    row.filename = changeset.path;
    row.order_executed = next_order_++;
    row.exec_type = std::move(exec_type);
    row.md5sum = current_checksum(changeset);
    std::vector<std::string> descriptions;
    for (const Change& change : changeset.changes)
        descriptions.push_back(change.description());
    // A changeset without changes is recorded as "empty", as Liquibase records it.
    row.description =
        descriptions.empty() ? "empty" : limited(fmt::format("{}", fmt::join(descriptions, "; ")));
    row.comments = limited(trim(changeset.comment));
    row.tag = tag_of(changeset);
    row.liquibase = "strata-" STRATA_VERSION;
    row.contexts = contexts_column(changeset);
    row.labels = labels_column(changeset);
    row.deployment_id = deployment_id_;
    return row;
}

std::vector<HistoryRow> Engine::history() {
    return read_history();
}

std::vector<ChecksumMismatch> Engine::validate(const Changelog& changelog) {
    check_changelog_preconditions(changelog);
    for (const ChangeSet& changeset : changelog.changesets) {
        if (filtered_out(changeset, settings_.filter, dialect_.name()))
            continue;
        for (const Change& change : changeset.changes) {
            if (!runs_here(change))
                continue;
            if (auto why = dialect_.unsupported(change))
                throw Error(ErrorKind::Validation, *why, change.where);
        }
    }
    std::vector<HistoryRow> rows = take_unlocked_history();
    refuse_flyway_database(changelog, rows);
    HistoryIndex by_identity = index(rows);
    std::vector<ChecksumMismatch> found = mismatches(changelog, by_identity);
    // What update would refuse before running anything, validate refuses too.
    if (found.empty())
        check_pending_up_front(changelog, plan_update(changelog, {}, by_identity));
    unlocked_history_ = std::move(rows);
    unlocked_history_at_writes_ = connection_.writes();
    return found;
}

void Engine::read_history_ahead() {
    unlocked_history_ = read_history();
    unlocked_history_at_writes_ = connection_.writes();
}

std::vector<HistoryRow> Engine::take_unlocked_history() {
    std::optional<std::vector<HistoryRow>> kept = std::exchange(unlocked_history_, std::nullopt);
    if (kept && unlocked_history_at_writes_ == connection_.writes())
        return std::move(*kept);
    return read_history();
}

void Engine::write_sql_header(std::string_view title, std::string_view changelog_path) {
    std::time_t now = std::time(nullptr);
    char when[32];
    std::strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", std::gmtime(&now));
    constexpr std::string_view kRule =
        "-- *********************************************************************\n";
    *sql_output_ << kRule << "-- " << title << "\n"
                 << kRule << "-- Change Log: " << changelog_path << "\n-- Ran at: " << when
                 << " UTC\n-- Against: " << settings_.target.display
                 << "\n-- strata version: " << STRATA_VERSION << "\n"
                 << kRule << "\n";
}

} // namespace strata
