// SPDX-License-Identifier: Apache-2.0
#include "strata/core/rehearse.hpp"

#include "snapshot/scratch_place.hpp"
#include "strata/core/diff_changelog.hpp"
#include "strata/text.hpp"

#include <algorithm>

namespace strata {

namespace {

// "SHARE ROW EXCLUSIVE on both tables" -> "SHARE ROW EXCLUSIVE".
std::string lock_mode(const std::string& predicted) {
    auto on = predicted.find(" on ");
    return on == std::string::npos ? predicted : predicted.substr(0, on);
}

bool blocks_writes(const std::string& mode) {
    return mode == "ACCESS EXCLUSIVE" || mode == "EXCLUSIVE" || mode == "SHARE ROW EXCLUSIVE" ||
           mode == "SHARE";
}

} // namespace

bool Rehearsal::predictions_held() const {
    return std::all_of(changesets.begin(), changesets.end(), [](const RehearsedChangeset& one) {
        return std::all_of(one.predictions.begin(), one.predictions.end(),
                           [](const RehearsedChangeset::Prediction& p) { return p.held; });
    });
}

Rehearsal rehearse(const Changelog& changelog, const RehearseOptions& options) {
    Database target = open_database(options.target);
    EngineSettings target_settings = options.engine;
    target_settings.target = target.spec();
    target_settings.progress = nullptr;
    Engine reader(target.dialect(), target.connection(), target_settings);
    std::vector<HistoryRow> history = reader.history();
    LintReport predicted = reader.lint(changelog);
    snapshot::Schema schema = read_schema(target, options.read);

    std::optional<Scratch> scratch;
    DatabaseOptions scratch_options = options.target;
    scratch_options.url = scratch_place(target, options.target.url, options.scratch_url,
                                        "strata_rehearse", "scratch-url", scratch);
    scratch_options.read_only = false;
    Database clone = open_database(scratch_options);

    Rehearsal rehearsal;
    rehearsal.scratch_label = clone.spec().display;
    rehearsal.cloned_tables = static_cast<int>(schema.tables.size());
    EngineSettings quiet = options.engine;
    quiet.target = clone.spec();
    quiet.progress = nullptr;
    quiet.on_changeset = nullptr;
    quiet.sql_log = nullptr;
    quiet.own_schema.clear(); // the clone's history lives in the scratch namespace
    auto step = [&](const char* what, auto&& body) {
        try {
            body();
        } catch (Error& error) {
            error.add_context(
                fmt::format("{} on the scratch database {}", what, clone.spec().display));
            throw;
        }
    };

    // The target's schema, then its history: what update would run there is pending here.
    step("cloning the target's schema", [&] {
        diff::ChangelogOptions generated;
        generated.id_prefix = "clone";
        generated.path = "strata-rehearse-clone";
        Changelog copy = diff::generate_changelog(schema, {}, generated);
        EngineSettings cloning = quiet;
        cloning.history_table = "STRATA_REHEARSE_CLONE";
        cloning.lock_table = "STRATA_REHEARSE_CLONE_LOCK";
        Engine(clone.dialect(), clone.connection(), cloning).update(copy);
        Engine(clone.dialect(), clone.connection(), quiet)
            .changelog_sync(applied_part(changelog, history));
    });

    // Each statement's locks, read while its transaction still holds them.
    RehearsedChangeset* current = nullptr;
    std::chrono::steady_clock::time_point started;
    EngineSettings measured = quiet;
    measured.on_changeset = [&](const ChangesetProgress& event) {
        if (event.phase == ChangesetProgress::Phase::Started) {
            rehearsal.changesets.push_back({event.identifier, {}, {}, {}, {}});
            current = &rehearsal.changesets.back();
            started = std::chrono::steady_clock::now();
        } else if (current != nullptr) {
            current->duration = event.elapsed;
            current = nullptr;
        }
    };
    measured.after_statement = [&](const std::string&) {
        if (current == nullptr)
            return;
        for (lint::HeldLock& lock : clone.dialect().held_locks(clone.connection())) {
            rehearsal.locks_observed = true;
            if (blocks_writes(lock.mode))
                current->blocking = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::steady_clock::now() - started);
            bool known = std::any_of(current->locks.begin(), current->locks.end(),
                                     [&](const lint::HeldLock& held) {
                                         return held.table == lock.table && held.mode == lock.mode;
                                     });
            if (!known)
                current->locks.push_back(std::move(lock));
        }
    };
    rehearsal.changesets.reserve(changelog.changesets.size());
    int ran = 0;
    step("applying the pending changesets", [&] {
        ran = Engine(clone.dialect(), clone.connection(), measured).update(changelog).run;
    });

    for (RehearsedChangeset& one : rehearsal.changesets) {
        for (const LintEntry& entry : predicted.entries) {
            if (entry.changeset != one.identifier || entry.finding.lock.empty() ||
                entry.finding.table.empty())
                continue;
            RehearsedChangeset::Prediction prediction{entry.finding.rule, entry.finding.table,
                                                      entry.finding.lock, false};
            std::string mode = lock_mode(entry.finding.lock);
            prediction.held =
                !rehearsal.locks_observed ||
                std::any_of(one.locks.begin(), one.locks.end(), [&](const lint::HeldLock& held) {
                    return lint::table_key(held.table) == lint::table_key(entry.finding.table) &&
                           held.mode == mode;
                });
            one.predictions.push_back(std::move(prediction));
        }
    }

    step("rolling the pending changesets back", [&] {
        RollbackTarget back;
        back.count = ran;
        Engine(clone.dialect(), clone.connection(), quiet).rollback(changelog, back);
    });
    rehearsal.rolled_back = true;
    step("applying the pending changesets again",
         [&] { Engine(clone.dialect(), clone.connection(), quiet).update(changelog); });
    rehearsal.reapplied = true;
    return rehearsal;
}

} // namespace strata
