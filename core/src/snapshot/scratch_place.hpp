// SPDX-License-Identifier: Apache-2.0
// A scratch place beside the user's database, and the part of a changelog its history says
// was applied: what drift replays and rehearse clones onto. Private to core.
#pragma once

#include "strata/core/database.hpp"
#include "strata/core/history.hpp"
#include "strata/error.hpp"
#include "strata/identity.hpp"

#include <filesystem>
#include <fmt/format.h>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <unistd.h>
#include <vector>

namespace strata {

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

/// A name no other run uses at the same time: `prefix`_<pid>_<random>.
inline std::string scratch_name(std::string_view prefix) {
    std::random_device random;
    return fmt::format("{}_{}_{:04x}", prefix, getpid(), random() & 0xffff);
}

/// The changesets the history records, in changelog order.
inline Changelog applied_part(const Changelog& changelog, const std::vector<HistoryRow>& history) {
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

/// Where to work beside `target`: `given` (a URL the user named) when not empty, else a new
/// scratch namespace made in `scratch` (dropped with it). Error{Usage} naming `option` when
/// the dialect has none.
inline std::string scratch_place(Database& target, const std::string& target_url,
                                 const std::string& given, std::string_view prefix,
                                 std::string_view option, std::optional<Scratch>& scratch) {
    if (!given.empty())
        return given;
    std::optional<ScratchNamespace> place =
        target.dialect().scratch_namespace(target_url, scratch_name(prefix));
    if (!place)
        throw Error(ErrorKind::Usage,
                    fmt::format("the {} dialect has no scratch place beside the database",
                                target.dialect().name()),
                    {}, fmt::format("pass --{}=URL of an empty database", option));
    scratch.emplace(target, std::move(*place));
    return scratch->url();
}

} // namespace strata
