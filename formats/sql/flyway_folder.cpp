// SPDX-License-Identifier: Apache-2.0
// A folder of Flyway migrations read as a changelog: V<version>__<description>.sql in version
// order, then R__<description>.sql (re-run when changed), with U<version>__*.sql as the
// rollback of V<version>, and the latest B<version>__*.sql (baseline) standing in for the
// versioned migrations up to its version on a database that has none of them yet. What strata
// records for them is in formats/README.md.
#include "../common/model_builder.hpp"
#include "../common/sql_text.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <map>

namespace strata::format {
namespace {

constexpr std::string_view kNamingHint =
    "name migrations V<version>__<description>.sql (two underscores), R__<description>.sql, "
    "U<version>__<description>.sql or B<version>__<description>.sql";

struct Migration {
    char prefix = 'V';
    /// Version parts as written ("1", "10"): compared as numbers, so 1.10 comes after 1.9.
    std::vector<std::string> version;
    std::string description;
    std::filesystem::path file;
    std::string stem;
};

std::string version_text(const std::vector<std::string>& parts) {
    return fmt::format("{}", fmt::join(parts, "."));
}

std::string_view without_leading_zeros(std::string_view digits) {
    while (digits.size() > 1 && digits.front() == '0')
        digits.remove_prefix(1);
    return digits;
}

// Flyway compares versions part by part as integers of any size; missing parts count as 0.
int compare_versions(const std::vector<std::string>& a, const std::vector<std::string>& b) {
    for (std::size_t i = 0; i < std::max(a.size(), b.size()); ++i) {
        // Views of the parts themselves: `a[i] : "0"` would build a temporary std::string.
        std::string_view x = without_leading_zeros(i < a.size() ? std::string_view(a[i]) : "0");
        std::string_view y = without_leading_zeros(i < b.size() ? std::string_view(b[i]) : "0");
        if (x.size() != y.size())
            return x.size() < y.size() ? -1 : 1;
        if (int order = x.compare(y); order != 0)
            return order < 0 ? -1 : 1;
    }
    return 0;
}

std::optional<std::vector<std::string>> parse_version(std::string_view text) {
    std::vector<std::string> parts;
    std::string part;
    for (char c : text) {
        if (c >= '0' && c <= '9') {
            part += c;
        } else if ((c == '.' || c == '_') && !part.empty()) {
            parts.push_back(std::move(part));
            part.clear();
        } else {
            return std::nullopt;
        }
    }
    if (part.empty())
        return std::nullopt;
    parts.push_back(std::move(part));
    return parts;
}

std::string description_of(std::string_view text) {
    std::string description(text);
    std::replace(description.begin(), description.end(), '_', ' ');
    return description;
}

// The migration a file name describes; nullopt for files Flyway would not read.
std::optional<Migration> migration_of(const std::filesystem::path& file) {
    std::string name = file.filename().string();
    if (!name.ends_with(".sql") || name.size() < 5)
        return std::nullopt;
    std::string stem = name.substr(0, name.size() - 4);
    char prefix = stem.front();
    if (prefix != 'V' && prefix != 'U' && prefix != 'R' && prefix != 'B')
        return std::nullopt;
    bool looks_like_migration =
        stem.size() > 1 && (stem[1] == '_' || (stem[1] >= '0' && stem[1] <= '9'));
    if (!looks_like_migration)
        return std::nullopt;
    auto misnamed = [&]() {
        return Error(ErrorKind::Parse,
                     fmt::format("'{}' is not a valid Flyway migration name", name),
                     {file.string(), 0, 0}, std::string(kNamingHint));
    };
    std::size_t separator = stem.find("__");
    if (separator == std::string::npos)
        throw misnamed();
    Migration migration{prefix, {}, description_of(stem.substr(separator + 2)), file, stem};
    if (prefix == 'R') {
        if (separator != 1)
            throw misnamed();
        return migration;
    }
    auto version = parse_version(std::string_view(stem).substr(1, separator - 1));
    if (!version)
        throw misnamed();
    migration.version = std::move(*version);
    return migration;
}

[[noreturn]] void duplicate(const Migration& first, const Migration& second,
                            std::string_view what) {
    throw Error(ErrorKind::Validation,
                fmt::format("{} and {} are both {}", first.file.filename().string(),
                            second.file.filename().string(), what),
                {second.file.string(), 0, 0}, "rename one of them");
}

Change sql_of(ParseSession& session, const Migration& migration) {
    std::string file = migration.file.string();
    std::string content = read_changelog_text(migration.file);
    check_file_sql_closed(content, file);
    std::size_t first = content.find_first_not_of(" \t\r\n");
    std::size_t last = content.find_last_not_of(" \t\r\n");
    std::string_view body = first == std::string::npos
                                ? std::string_view()
                                : std::string_view(content).substr(first, last + 1 - first);
    Change change;
    change.kind = ChangeKind::Sql;
    change.where = {file, 1, 1};
    // Flyway replaces ${placeholders}; strata's properties play that part.
    change.attributes.emplace("sql", session.properties.expand(body, change.where));
    return change;
}

} // namespace

void read_flyway_folder(ParseSession& session, const std::filesystem::path& on_disk,
                        const std::string& recorded) {
    std::vector<Migration> versioned;
    std::vector<Migration> undo;
    std::vector<Migration> repeatable;
    std::vector<Migration> baselines;
    std::error_code ec;
    for (auto it = std::filesystem::recursive_directory_iterator(on_disk, ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
        if (!it->is_regular_file(ec))
            continue;
        std::optional<Migration> migration = migration_of(it->path());
        if (!migration)
            continue;
        auto& group = migration->prefix == 'V'   ? versioned
                      : migration->prefix == 'U' ? undo
                      : migration->prefix == 'B' ? baselines
                                                 : repeatable;
        group.push_back(std::move(*migration));
    }
    if (ec)
        throw Error(ErrorKind::Parse,
                    fmt::format("cannot read the folder '{}': {}", on_disk.string(), ec.message()),
                    {}, "check that the folder exists and is readable");

    auto by_version = [](const Migration& a, const Migration& b) {
        return compare_versions(a.version, b.version) < 0;
    };
    std::sort(versioned.begin(), versioned.end(), by_version);
    std::sort(undo.begin(), undo.end(), by_version);
    std::sort(baselines.begin(), baselines.end(), by_version);
    for (std::size_t i = 1; i < baselines.size(); ++i) {
        if (compare_versions(baselines[i - 1].version, baselines[i].version) == 0)
            duplicate(baselines[i - 1], baselines[i],
                      fmt::format("baseline of version {}", version_text(baselines[i].version)));
    }
    std::sort(repeatable.begin(), repeatable.end(),
              [](const Migration& a, const Migration& b) { return a.description < b.description; });
    for (std::size_t i = 1; i < versioned.size(); ++i) {
        if (compare_versions(versioned[i - 1].version, versioned[i].version) == 0)
            duplicate(versioned[i - 1], versioned[i],
                      fmt::format("version {}", version_text(versioned[i].version)));
    }
    for (std::size_t i = 1; i < undo.size(); ++i) {
        if (compare_versions(undo[i - 1].version, undo[i].version) == 0)
            duplicate(undo[i - 1], undo[i],
                      fmt::format("undo of version {}", version_text(undo[i].version)));
    }
    for (std::size_t i = 1; i < repeatable.size(); ++i) {
        if (repeatable[i - 1].description == repeatable[i].description)
            duplicate(repeatable[i - 1], repeatable[i],
                      fmt::format("repeatable migrations named '{}'", repeatable[i].description));
    }

    std::vector<ChangeSet>& changesets = session.changelog.changesets;
    // Flyway's baseline migrations: on a database where no migration of the folder has run,
    // the latest B<n> is applied instead of V migrations up to n, which are then recorded
    // without running (MARK_RAN); where any has run, baselines are left alone (CONTINUE).
    const Migration* baseline = baselines.empty() ? nullptr : &baselines.back();
    auto executed = [&](const std::string& id) {
        Precondition condition;
        condition.type = "changeSetExecuted";
        condition.attributes = {{"id", id}, {"author", "flyway"}, {"changeLogFile", recorded}};
        return condition;
    };
    auto none_of = [&](std::vector<Precondition> conditions, PreconditionAction on_fail,
                       const Migration& migration) {
        Precondition any;
        any.type = "or";
        any.children = std::move(conditions);
        Precondition none;
        none.type = "not";
        none.children.push_back(std::move(any));
        Preconditions preconditions;
        preconditions.on_fail = on_fail;
        preconditions.where = {migration.file.string(), 1, 1};
        preconditions.conditions.push_back(std::move(none));
        return preconditions;
    };
    std::string baseline_id =
        baseline == nullptr ? std::string() : "B" + version_text(baseline->version);
    if (baseline != nullptr) {
        std::vector<Precondition> earlier;
        for (const Migration& migration : versioned)
            earlier.push_back(executed(version_text(migration.version)));
        for (const Migration& other : baselines) {
            if (&other != baseline)
                earlier.push_back(executed("B" + version_text(other.version)));
        }
        ChangeSet changeset;
        changeset.id = baseline_id;
        changeset.author = "flyway";
        changeset.path = recorded;
        changeset.comment = baseline->description;
        changeset.where = {baseline->file.string(), 1, 1};
        if (!earlier.empty())
            changeset.preconditions =
                none_of(std::move(earlier), PreconditionAction::Continue, *baseline);
        changeset.changes.push_back(sql_of(session, *baseline));
        changesets.push_back(std::move(changeset));
    }
    std::size_t first = changesets.size();
    for (const Migration& migration : versioned) {
        ChangeSet changeset;
        changeset.id = version_text(migration.version);
        changeset.author = "flyway";
        changeset.path = recorded;
        changeset.comment = migration.description;
        changeset.where = {migration.file.string(), 1, 1};
        changeset.rollback_hint = fmt::format(
            "add the undo migration {} beside it (its statements are the rollback)",
            (migration.file.parent_path() / ("U" + migration.stem.substr(1) + ".sql")).string());
        if (baseline != nullptr && compare_versions(migration.version, baseline->version) <= 0)
            changeset.preconditions =
                none_of({executed(baseline_id)}, PreconditionAction::MarkRan, migration);
        changeset.changes.push_back(sql_of(session, migration));
        changesets.push_back(std::move(changeset));
    }
    for (const Migration& migration : undo) {
        auto versioned_match =
            std::find_if(versioned.begin(), versioned.end(), [&](const Migration& v) {
                return compare_versions(v.version, migration.version) == 0;
            });
        if (versioned_match == versioned.end())
            throw Error(ErrorKind::Validation,
                        fmt::format("undo migration {} has no V{} migration to undo",
                                    migration.file.filename().string(),
                                    version_text(migration.version)),
                        {migration.file.string(), 0, 0},
                        "remove it, or add the versioned migration it undoes");
        // Versioned migrations were appended in the same order, from `first` on.
        ChangeSet& target =
            changesets[first + static_cast<std::size_t>(versioned_match - versioned.begin())];
        Rollback rollback;
        rollback.where = {migration.file.string(), 1, 1};
        rollback.changes.push_back(sql_of(session, migration));
        target.rollback = std::move(rollback);
    }
    for (const Migration& migration : repeatable) {
        ChangeSet changeset;
        changeset.id = migration.stem;
        changeset.author = "flyway";
        changeset.path = recorded;
        changeset.comment = migration.description;
        changeset.run_on_change = true;
        changeset.where = {migration.file.string(), 1, 1};
        changeset.changes.push_back(sql_of(session, migration));
        changesets.push_back(std::move(changeset));
    }
}

} // namespace strata::format
