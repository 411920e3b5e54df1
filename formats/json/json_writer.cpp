// SPDX-License-Identifier: Apache-2.0
// The model as a Liquibase JSON changelog. Values stay strings (numbers written as numbers
// would lose their text, "19.50" becoming 19.5, in Liquibase's reader); booleans are booleans.
#include "../common/writer_support.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace strata::format {
namespace {

using Json = nlohmann::ordered_json;

Json object_of(const std::vector<WrittenAttribute>& attributes) {
    Json object = Json::object();
    for (const WrittenAttribute& attribute : attributes) {
        if (attribute.boolean)
            object[std::string(attribute.name)] = *attribute.value == "true";
        else
            object[std::string(attribute.name)] = *attribute.value;
    }
    return object;
}

Json change_json(const Change& change) {
    const ChangeSpec& spec = change_spec(change.kind);
    Json body = object_of(ordered_attributes(change.attributes, spec.attributes));
    if (!change.columns.empty()) {
        // executeCommand's arguments are value-only columns, written as Liquibase's args.
        bool arguments = change.kind == ChangeKind::ExecuteCommand;
        Json columns = Json::array();
        for (const Column& column : change.columns) {
            Json value = object_of(ordered_attributes(column.attributes, column_attribute_specs()));
            if (column.constraints)
                value["constraints"] = object_of(
                    ordered_attributes(*column.constraints, constraint_attribute_specs()));
            columns.push_back(Json{{arguments ? "arg" : "column", std::move(value)}});
        }
        body[arguments ? "args" : "columns"] = std::move(columns);
    }
    if (!change.where_params.empty()) {
        Json params = Json::array();
        for (const Column& param : change.where_params)
            params.push_back(Json{{"param", object_of(ordered_attributes(
                                                param.attributes, column_attribute_specs()))}});
        body["whereParams"] = std::move(params);
    }
    return Json{{std::string(spec.name), std::move(body)}};
}

Json precondition_json(const Precondition& precondition) {
    Json body;
    if (is_combination(precondition)) {
        body = Json::array();
        for (const Precondition& child : precondition.children)
            body.push_back(precondition_json(child));
    } else {
        body = object_of(precondition_attributes_of(precondition));
    }
    return Json{{precondition.type, std::move(body)}};
}

// A list of single-key maps, as Liquibase reads preConditions.
Json preconditions_json(const Preconditions& preconditions) {
    Json entries = Json::array();
    if (preconditions.on_fail != PreconditionAction::Halt)
        entries.push_back(Json{{"onFail", action_name(preconditions.on_fail)}});
    if (preconditions.on_error != PreconditionAction::Halt)
        entries.push_back(Json{{"onError", action_name(preconditions.on_error)}});
    if (!preconditions.on_fail_message.empty())
        entries.push_back(Json{{"onFailMessage", preconditions.on_fail_message}});
    if (!preconditions.on_error_message.empty())
        entries.push_back(Json{{"onErrorMessage", preconditions.on_error_message}});
    for (const Precondition& condition : preconditions.conditions)
        entries.push_back(precondition_json(condition));
    return entries;
}

Json modify_sql_json(const ChangeSet& changeset) {
    auto blocks = modify_sql_blocks(changeset);
    if (blocks.size() > 1)
        cannot_write(changeset, "JSON",
                     "its modifySql visitors differ in dbms, context, labels or applyToRollback",
                     "write it as XML, or give its visitors the same dbms, context and labels");
    const SqlVisitor& shared = *blocks.front().front();
    Json entries = Json::array();
    if (!shared.dbms.empty())
        entries.push_back(Json{{"dbms", shared.dbms}});
    if (!shared.context_filter.empty())
        entries.push_back(Json{{"context", shared.context_filter}});
    if (!shared.labels.empty())
        entries.push_back(Json{{"labels", shared.labels}});
    if (shared.apply_to_rollback)
        entries.push_back(Json{{"applyToRollback", true}});
    for (const SqlVisitor* visitor : blocks.front()) {
        Json attributes = Json::object();
        for (const auto& [name, value] : visitor->attributes)
            attributes[name] = value;
        entries.push_back(Json{{visitor->type, std::move(attributes)}});
    }
    return entries;
}

Json changeset_json(const ChangeSet& changeset, const std::string& changelog_path) {
    Json body = Json::object();
    for (const ChangesetField& field : changeset_fields(changeset, changelog_path)) {
        if (field.boolean)
            body[std::string(field.name)] = field.value == "true";
        else
            body[std::string(field.name)] = field.value;
    }
    if (!changeset.comment.empty())
        body["comment"] = changeset.comment;
    if (!changeset.valid_checksums.empty())
        body["validCheckSum"] = changeset.valid_checksums;
    if (changeset.preconditions)
        body["preConditions"] = preconditions_json(*changeset.preconditions);
    Json changes = Json::array();
    for (const Change& change : changeset.changes)
        changes.push_back(change_json(change));
    body["changes"] = std::move(changes);
    if (changeset.rollback) {
        Json rollback = Json::array();
        for (const Change& change : changeset.rollback->changes)
            rollback.push_back(change_json(change));
        body["rollback"] = std::move(rollback);
    }
    if (!changeset.modify_sql.empty())
        body["modifySql"] = modify_sql_json(changeset);
    return Json{{"changeSet", std::move(body)}};
}

} // namespace

std::string write_json_changelog(const Changelog& changelog) {
    Json entries = Json::array();
    if (!changelog.path.empty())
        entries.push_back(Json{{"logicalFilePath", changelog.path}});
    if (changelog.preconditions)
        entries.push_back(Json{{"preConditions", preconditions_json(*changelog.preconditions)}});
    for (const ChangeSet& changeset : changelog.changesets)
        entries.push_back(changeset_json(changeset, changelog.path));
    Json document{{"databaseChangeLog", std::move(entries)}};
    try {
        return document.dump(2) + "\n";
    } catch (const nlohmann::json::type_error& e) {
        throw Error(ErrorKind::Validation,
                    fmt::format("the changelog cannot be written as JSON: {}", e.what()), {},
                    "JSON holds UTF-8 text only; convert the changelog's files to UTF-8 first");
    }
}

} // namespace strata::format
