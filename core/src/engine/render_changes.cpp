// SPDX-License-Identifier: Apache-2.0
// From a change to the statements that run: the dialect's render, then <modifySql>.
#include "engine_internal.hpp"
#include "strata/core/checksum.hpp"
#include "strata/core/rollback.hpp"

#include <algorithm>
#include <filesystem>
#include <fmt/format.h>
#include <regex>
#include <set>
#include <tuple>

namespace strata {

RenderContext Engine::render_context(const ChangeSet& changeset) {
    RenderContext context;
    context.changelog_dir = std::filesystem::path(changeset.where.file).parent_path().string();
    context.connection = &connection_;
    context.quoting = changeset.object_quoting;
    context.changes_in_changeset = static_cast<std::size_t>(std::count_if(
        changeset.changes.begin(), changeset.changes.end(), [this](const Change& change) {
            return runs_here(change) && change.kind != ChangeKind::Output &&
                   change.kind != ChangeKind::TagDatabase && change.kind != ChangeKind::Empty;
        }));
    return context;
}

bool Engine::runs_here(const Change& change) const {
    const std::string* dbms = change.get("dbms");
    return dbms == nullptr || dbms_matches(*dbms, dialect_.name());
}

void Engine::check_supported(const std::vector<Change>& changes) const {
    for (const Change& change : changes) {
        if (!runs_here(change))
            continue;
        if (auto why = dialect_.unsupported(change))
            throw Error(ErrorKind::Validation, *why, change.where);
    }
}

std::vector<std::string> Engine::render_change(const Change& change, const ChangeSet& changeset,
                                               bool for_rollback, const RenderContext& context) {
    if (!runs_here(change))
        return {};
    if (change.kind == ChangeKind::Output && settings_.progress && !for_rollback)
        settings_.progress(change.value("message"));
    if (change.kind == ChangeKind::Stop && !for_rollback)
        throw Error(ErrorKind::Validation,
                    fmt::format("stopped by changeSet {}: {}", changeset.identifier(),
                                change.value("message").empty() ? "stop" : change.value("message")),
                    change.where);
    std::vector<std::string> rendered = dialect_.render(change, context);
    std::vector<std::string> statements;
    for (std::string& statement : rendered)
        statements.push_back(apply_visitors(std::move(statement), changeset, for_rollback));
    return statements;
}

// <modifySql>: edits of the generated SQL, for the databases and contexts they name.
std::string Engine::apply_visitors(std::string sql, const ChangeSet& changeset,
                                   bool for_rollback) const {
    for (const SqlVisitor& visitor : changeset.modify_sql) {
        if ((for_rollback && !visitor.apply_to_rollback) ||
            (!visitor.dbms.empty() && !dbms_matches(visitor.dbms, dialect_.name())))
            continue;
        // A visitor's context and labels limit it as they limit a changeset.
        ChangeSet scope;
        scope.context_filter = visitor.context_filter;
        scope.labels = visitor.labels;
        if (filtered_out(scope, settings_.filter, dialect_.name()))
            continue;
        auto attribute = [&](const char* key) {
            auto it = visitor.attributes.find(key);
            return it == visitor.attributes.end() ? std::string() : it->second;
        };
        if (visitor.type == "append") {
            sql += attribute("value");
        } else if (visitor.type == "prepend") {
            sql = attribute("value") + sql;
        } else if (visitor.type == "replace") {
            std::string from = attribute("replace"), to = attribute("with");
            for (auto at = from.empty() ? std::string::npos : sql.find(from);
                 at != std::string::npos; at = sql.find(from, at + to.size()))
                sql.replace(at, from.size(), to);
        } else if (visitor.type == "regExpReplace") {
            sql = std::regex_replace(sql, std::regex(attribute("replace")), attribute("with"));
        }
    }
    return sql;
}

} // namespace strata
