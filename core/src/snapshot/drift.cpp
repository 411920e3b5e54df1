// SPDX-License-Identifier: Apache-2.0
#include "strata/core/drift.hpp"

#include "scratch_place.hpp"

namespace strata {

DriftReading read_drift(const Changelog& changelog, const DriftOptions& options) {
    Database target = open_database(options.target);
    EngineSettings target_settings = options.engine;
    target_settings.target = target.spec();
    std::vector<HistoryRow> history =
        Engine(target.dialect(), target.connection(), target_settings).history();
    Changelog replay = applied_part(changelog, history);

    std::optional<Scratch> scratch;
    std::string shadow_url = scratch_place(target, options.target.url, options.shadow_url,
                                           "strata_drift", "shadow-url", scratch);

    DatabaseOptions shadow_options = options.target;
    shadow_options.url = shadow_url;
    shadow_options.read_only = false;
    Database shadow = open_database(shadow_options);
    EngineSettings shadow_settings = options.engine;
    shadow_settings.target = shadow.spec();
    shadow_settings.progress = nullptr;
    shadow_settings.on_changeset = nullptr;
    shadow_settings.sql_log = nullptr;
    shadow_settings.own_schema.clear(); // the shadow's history lives in the shadow namespace
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
