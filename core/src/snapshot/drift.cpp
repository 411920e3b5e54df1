// SPDX-License-Identifier: Apache-2.0
#include "strata/core/drift.hpp"

#include "strata/core/database.hpp"
#include "strata/error.hpp"
#include "strata/identity.hpp"

#include <filesystem>
#include <fmt/format.h>
#include <random>
#include <set>
#include <unistd.h>

namespace strata {

namespace {

/// The scratch namespace, dropped (or its file deleted) when drift is done, whatever happens.
class Scratch {
public:
    Scratch(Database& target, ScratchNamespace scratch)
        : target_(target), scratch_(std::move(scratch)) {
        for (const std::string& sql : scratch_.create_sql)
            target_.connection().execute(sql);
    }
    ~Scratch() {
        try {
            for (const std::string& sql : scratch_.drop_sql)
                target_.connection().execute(sql);
        } catch (const Error&) {
            // a lost connection leaves the namespace; its name says what it was
        }
        if (!scratch_.file.empty()) {
            std::error_code ignored;
            std::filesystem::remove(scratch_.file, ignored);
        }
    }
    Scratch(const Scratch&) = delete;
    Scratch& operator=(const Scratch&) = delete;

    [[nodiscard]] const std::string& url() const { return scratch_.url; }

private:
    Database& target_;
    ScratchNamespace scratch_;
};

std::string scratch_name() {
    std::random_device random;
    return fmt::format("strata_drift_{}_{:04x}", getpid(), random() & 0xffff);
}

/// The changesets the history records, in changelog order.
Changelog applied_part(const Changelog& changelog, const std::vector<HistoryRow>& history) {
    std::set<std::string> applied;
    for (const HistoryRow& row : history)
        applied.insert(identity_key(row.id, row.author, row.filename));
    Changelog part;
    part.path = changelog.path;
    for (const ChangeSet& changeset : changelog.changesets)
        if (applied.contains(identity_key(changeset.id, changeset.author, changeset.path)))
            part.changesets.push_back(changeset);
    return part;
}

} // namespace

DriftReading read_drift(const Changelog& changelog, const DriftOptions& options) {
    Database target = open_database(options.target);
    EngineSettings target_settings = options.engine;
    target_settings.target = target.spec();
    std::vector<HistoryRow> history =
        Engine(target.dialect(), target.connection(), target_settings).history();
    Changelog replay = applied_part(changelog, history);

    std::optional<Scratch> scratch;
    std::string shadow_url = options.shadow_url;
    if (shadow_url.empty()) {
        std::optional<ScratchNamespace> place =
            target.dialect().scratch_namespace(options.target.url, scratch_name());
        if (!place)
            throw Error(ErrorKind::Usage,
                        fmt::format("the {} dialect has no scratch place to replay the changelog",
                                    target.dialect().name()),
                        {}, "pass --shadow-url=URL of an empty database");
        scratch.emplace(target, std::move(*place));
        shadow_url = scratch->url();
    }

    DatabaseOptions shadow_options = options.target;
    shadow_options.url = shadow_url;
    shadow_options.read_only = false;
    Database shadow = open_database(shadow_options);
    EngineSettings shadow_settings = options.engine;
    shadow_settings.target = shadow.spec();
    shadow_settings.progress = nullptr;
    shadow_settings.on_changeset = nullptr;
    shadow_settings.sql_log = nullptr;
    try {
        Engine(shadow.dialect(), shadow.connection(), shadow_settings).update(replay);
    } catch (Error& error) {
        error.add_context("replaying the applied changesets on the shadow database " +
                          shadow.spec().display);
        throw;
    }
    DriftReading reading;
    reading.replayed = static_cast<int>(replay.changesets.size());
    reading.shadow_label = shadow.spec().display;
    reading.expected = read_schema(shadow, options.read);
    reading.actual = read_schema(target, options.read);
    return reading;
}

} // namespace strata
