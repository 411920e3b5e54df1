// SPDX-License-Identifier: Apache-2.0
// Changesets a previous run left half done, on databases whose DDL commits by itself
// (MariaDB, MySQL). ProgressStore says how many statements committed; this file decides
// what the next update does about it: stop and say so, or, with --resume, go on after the
// last committed statement, checking where it can whether the one statement in doubt (a DDL
// statement that ran when the process died) took effect.
#include "engine_internal.hpp"
#include "strata/identity.hpp"

#include <fmt/format.h>

namespace strata {

namespace {

/// Whether a statement may have committed by itself before the run died: any DDL or other
/// statement that is not plain DML, which MariaDB runs inside the changeset's transaction.
bool may_commit_alone(std::string_view sql) {
    std::string word;
    for (char c : trim(sql)) {
        if (!std::isalpha(static_cast<unsigned char>(c)))
            break;
        word += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    return word != "INSERT" && word != "UPDATE" && word != "DELETE" && word != "SELECT" &&
           word != "REPLACE" && word != "WITH" && word != "SET";
}

Precondition check(std::string type,
                   std::initializer_list<std::pair<const char*, std::string>> attributes) {
    Precondition condition;
    condition.type = std::move(type);
    for (const auto& [key, value] : attributes)
        if (!value.empty())
            condition.attributes[key] = value;
    return condition;
}

} // namespace

std::optional<bool> Engine::took_effect(const Change& change) {
    auto exists = [&](const Precondition& condition) {
        return dialect_.object_exists(connection_, condition);
    };
    std::string schema = change.value("schemaName");
    std::string table = change.value("tableName");
    switch (change.kind) {
    case ChangeKind::CreateTable:
        return exists(check("tableExists", {{"tableName", table}, {"schemaName", schema}}));
    case ChangeKind::DropTable:
        return !exists(check("tableExists", {{"tableName", table}, {"schemaName", schema}}));
    case ChangeKind::RenameTable:
        return exists(check("tableExists",
                            {{"tableName", change.value("newTableName")}, {"schemaName", schema}}));
    case ChangeKind::AddColumn:
    case ChangeKind::DropColumn: {
        std::vector<std::string> names;
        for (const Column& column : change.columns)
            names.push_back(column.name());
        if (change.kind == ChangeKind::DropColumn && !change.value("columnName").empty())
            names.push_back(change.value("columnName"));
        int present = 0;
        for (const std::string& name : names)
            present +=
                exists(check("columnExists",
                             {{"tableName", table}, {"columnName", name}, {"schemaName", schema}}))
                    ? 1
                    : 0;
        if (names.empty() || (present != 0 && present != static_cast<int>(names.size())))
            return std::nullopt; // some there, some not: not one statement's doing
        return (present != 0) == (change.kind == ChangeKind::AddColumn);
    }
    case ChangeKind::RenameColumn:
        return exists(check("columnExists", {{"tableName", table},
                                             {"columnName", change.value("newColumnName")},
                                             {"schemaName", schema}}));
    case ChangeKind::CreateIndex:
    case ChangeKind::DropIndex: {
        bool present = exists(check("indexExists", {{"indexName", change.value("indexName")},
                                                    {"tableName", table},
                                                    {"schemaName", schema}}));
        return present == (change.kind == ChangeKind::CreateIndex);
    }
    case ChangeKind::AddForeignKeyConstraint:
    case ChangeKind::DropForeignKeyConstraint: {
        bool present = exists(check("foreignKeyConstraintExists",
                                    {{"foreignKeyName", change.value("constraintName")},
                                     {"foreignKeyTableName", change.value("baseTableName")},
                                     {"schemaName", change.value("baseTableSchemaName")}}));
        return present == (change.kind == ChangeKind::AddForeignKeyConstraint);
    }
    case ChangeKind::AddPrimaryKey:
    case ChangeKind::DropPrimaryKey: {
        bool present =
            exists(check("primaryKeyExists", {{"tableName", table}, {"schemaName", schema}}));
        return present == (change.kind == ChangeKind::AddPrimaryKey);
    }
    case ChangeKind::AddUniqueConstraint:
    case ChangeKind::DropUniqueConstraint: {
        bool present = exists(
            check("uniqueConstraintExists", {{"constraintName", change.value("constraintName")},
                                             {"tableName", table},
                                             {"schemaName", schema}}));
        return present == (change.kind == ChangeKind::AddUniqueConstraint);
    }
    case ChangeKind::CreateView:
    case ChangeKind::DropView: {
        bool present = exists(
            check("viewExists", {{"viewName", change.value("viewName")}, {"schemaName", schema}}));
        return present == (change.kind == ChangeKind::CreateView);
    }
    case ChangeKind::CreateSequence:
    case ChangeKind::DropSequence: {
        bool present =
            exists(check("sequenceExists",
                         {{"sequenceName", change.value("sequenceName")}, {"schemaName", schema}}));
        return present == (change.kind == ChangeKind::CreateSequence);
    }
    default:
        return std::nullopt;
    }
}

bool Engine::statement_may_commit_alone(std::string_view sql) {
    return may_commit_alone(sql);
}

void Engine::check_interrupted(const UpdatePlan& plan) {
    interrupted_.clear();
    if (dialect_.capabilities().transactional_ddl || sql_output_ != nullptr)
        return;
    for (const InterruptedChangeset& left : progress_.read(connection_)) {
        const ChangeSet* pending = nullptr;
        for (const UpdateStep& step : plan.steps)
            if ((step.action == UpdateStep::Run || step.action == UpdateStep::Rerun) &&
                step.changeset->id == left.id && step.changeset->author == left.author &&
                step.changeset->path == left.path)
                pending = step.changeset;
        std::string identifier = fmt::format("{}::{}::{}", left.path, left.id, left.author);
        if (pending == nullptr) {
            // Recorded since (changelog-sync, mark-next-changeset-ran) or no longer in the
            // changelog: there is nothing left to resume.
            ChangeSet gone;
            gone.id = left.id;
            gone.author = left.author;
            gone.path = left.path;
            execute(progress_.finish_sql(gone));
            continue;
        }
        if (settings_.resume == ResumeMode::None) {
            std::string next =
                left.state == "FAILED"
                    ? fmt::format("statement {} failed and did not run", left.statements_done + 1)
                    : fmt::format("statement {} was running: if it is DDL, it may "
                                  "have taken effect",
                                  left.statements_done + 1);
            throw Error(ErrorKind::Validation,
                        fmt::format("changeSet {} was left unfinished by an earlier run ({}, "
                                    "started {} UTC): its first {} statement(s) are committed; {}",
                                    identifier, left.holder, left.started, left.statements_done,
                                    next),
                        pending->where,
                        "nothing was run now. `strata update --resume=auto` goes on after the "
                        "committed statements and checks whether the statement in doubt took "
                        "effect; --resume=run runs it again, --resume=skip treats it as done");
        }
        interrupted_[identity_key(left.id, left.author, left.path)] = left;
    }
}

} // namespace strata
