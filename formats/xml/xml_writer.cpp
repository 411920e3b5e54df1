// SPDX-License-Identifier: Apache-2.0
// The model as a Liquibase XML changelog, built with pugixml (which escapes for us).
#include "../common/writer_support.hpp"

#include <algorithm>
#include <pugixml.hpp>
#include <sstream>

namespace strata::format {
namespace {

bool is_trimmed(std::string_view text) {
    return !text.empty() && text.find_first_of(" \t\r\n") != 0 &&
           text.find_last_of(" \t\r\n") != text.size() - 1;
}

void write_change(pugi::xml_node parent, const Change& change) {
    const ChangeSpec& spec = change_spec(change.kind);
    pugi::xml_node element = parent.append_child(std::string(spec.name).c_str());
    // The reader trims element text, so only text that trimming keeps goes into elements;
    // anything else stays an attribute, which the reader takes as written.
    auto as_text = [&](std::string_view name, const std::string& value) {
        bool text_key = name == spec.text_attribute ||
                        std::find(spec.text_children.begin(), spec.text_children.end(), name) !=
                            spec.text_children.end();
        return text_key && is_trimmed(value);
    };
    for (const WrittenAttribute& attribute :
         ordered_attributes(change.attributes, spec.attributes)) {
        if (!as_text(attribute.name, *attribute.value))
            element.append_attribute(std::string(attribute.name).c_str())
                .set_value(attribute.value->c_str());
    }
    for (std::string_view child : spec.text_children) {
        const std::string* value = change.get(child);
        if (value != nullptr && as_text(child, *value))
            element.append_child(std::string(child).c_str()).text().set(value->c_str());
    }
    for (const Column& column : change.columns) {
        // executeCommand's arguments are value-only columns, written as Liquibase's <arg>.
        if (change.kind == ChangeKind::ExecuteCommand) {
            const std::string* value = column.get("value");
            element.append_child("arg").append_attribute("value").set_value(value ? value->c_str()
                                                                                  : "");
            continue;
        }
        pugi::xml_node node = element.append_child("column");
        for (const WrittenAttribute& attribute :
             ordered_attributes(column.attributes, column_attribute_specs()))
            node.append_attribute(std::string(attribute.name).c_str())
                .set_value(attribute.value->c_str());
        if (!column.constraints)
            continue;
        pugi::xml_node constraints = node.append_child("constraints");
        for (const WrittenAttribute& attribute :
             ordered_attributes(*column.constraints, constraint_attribute_specs()))
            constraints.append_attribute(std::string(attribute.name).c_str())
                .set_value(attribute.value->c_str());
    }
    if (!change.where_params.empty()) {
        pugi::xml_node params = element.append_child("whereParams");
        for (const Column& param : change.where_params) {
            pugi::xml_node node = params.append_child("param");
            for (const WrittenAttribute& attribute :
                 ordered_attributes(param.attributes, column_attribute_specs()))
                node.append_attribute(std::string(attribute.name).c_str())
                    .set_value(attribute.value->c_str());
        }
    }
    if (const std::string* text = change.get(spec.text_attribute);
        text != nullptr && as_text(spec.text_attribute, *text))
        element.append_child(pugi::node_pcdata).set_value(text->c_str());
}

void write_precondition(pugi::xml_node parent, const Precondition& precondition) {
    pugi::xml_node node = parent.append_child(precondition.type.c_str());
    bool sql_check = precondition.type == "sqlCheck";
    for (const WrittenAttribute& attribute : precondition_attributes_of(precondition)) {
        if (!(sql_check && attribute.name == "sql"))
            node.append_attribute(std::string(attribute.name).c_str())
                .set_value(attribute.value->c_str());
    }
    // The reader takes sqlCheck's SQL from the element text only.
    if (std::string sql = precondition.value("sql"); sql_check && !sql.empty())
        node.append_child(pugi::node_pcdata).set_value(sql.c_str());
    for (const Precondition& child : precondition.children)
        write_precondition(node, child);
}

void write_preconditions(pugi::xml_node parent, const Preconditions& preconditions) {
    pugi::xml_node node = parent.append_child("preConditions");
    if (preconditions.on_fail != PreconditionAction::Halt)
        node.append_attribute("onFail").set_value(
            std::string(action_name(preconditions.on_fail)).c_str());
    if (preconditions.on_error != PreconditionAction::Halt)
        node.append_attribute("onError").set_value(
            std::string(action_name(preconditions.on_error)).c_str());
    if (!preconditions.on_fail_message.empty())
        node.append_attribute("onFailMessage").set_value(preconditions.on_fail_message.c_str());
    if (!preconditions.on_error_message.empty())
        node.append_attribute("onErrorMessage").set_value(preconditions.on_error_message.c_str());
    for (const Precondition& condition : preconditions.conditions)
        write_precondition(node, condition);
}

void write_modify_sql(pugi::xml_node changeset, const ChangeSet& source) {
    for (const std::vector<const SqlVisitor*>& block : modify_sql_blocks(source)) {
        const SqlVisitor& shared = *block.front();
        pugi::xml_node node = changeset.append_child("modifySql");
        if (!shared.dbms.empty())
            node.append_attribute("dbms").set_value(shared.dbms.c_str());
        if (!shared.context_filter.empty())
            node.append_attribute("context").set_value(shared.context_filter.c_str());
        if (!shared.labels.empty())
            node.append_attribute("labels").set_value(shared.labels.c_str());
        if (shared.apply_to_rollback)
            node.append_attribute("applyToRollback").set_value("true");
        for (const SqlVisitor* visitor : block) {
            pugi::xml_node element = node.append_child(visitor->type.c_str());
            for (const auto& [name, value] : visitor->attributes)
                element.append_attribute(name.c_str()).set_value(value.c_str());
        }
    }
}

} // namespace

std::string write_xml_changelog(const Changelog& changelog) {
    pugi::xml_document document;
    pugi::xml_node declaration = document.append_child(pugi::node_declaration);
    declaration.append_attribute("version").set_value("1.0");
    declaration.append_attribute("encoding").set_value("UTF-8");
    pugi::xml_node root = document.append_child("databaseChangeLog");
    root.append_attribute("xmlns").set_value("http://www.liquibase.org/xml/ns/dbchangelog");
    root.append_attribute("xmlns:xsi").set_value("http://www.w3.org/2001/XMLSchema-instance");
    root.append_attribute("xsi:schemaLocation")
        .set_value("http://www.liquibase.org/xml/ns/dbchangelog "
                   "http://www.liquibase.org/xml/ns/dbchangelog/dbchangelog-latest.xsd");
    // strata's own change types ("strata:batchUpdate") and attributes ("strata:online") are
    // written in its namespace.
    bool strata_changes = std::any_of(
        changelog.changesets.begin(), changelog.changesets.end(), [](const ChangeSet& changeset) {
            return std::any_of(changeset.changes.begin(), changeset.changes.end(),
                               [](const Change& change) {
                                   return change.type_name().starts_with("strata:") ||
                                          change.get(kOnlineAttribute) != nullptr;
                               });
        });
    if (strata_changes)
        root.append_attribute("xmlns:strata").set_value(std::string(kStrataNamespace).c_str());
    if (!changelog.path.empty())
        root.append_attribute("logicalFilePath").set_value(changelog.path.c_str());
    if (changelog.preconditions)
        write_preconditions(root, *changelog.preconditions);

    for (const ChangeSet& changeset : changelog.changesets) {
        pugi::xml_node node = root.append_child("changeSet");
        for (const ChangesetField& field : changeset_fields(changeset, changelog.path))
            node.append_attribute(std::string(field.name).c_str()).set_value(field.value.c_str());
        for (const std::string& sum : changeset.valid_checksums)
            node.append_child("validCheckSum").text().set(sum.c_str());
        // The dbchangelog schema's order: preConditions before the comment and the changes.
        if (changeset.preconditions)
            write_preconditions(node, *changeset.preconditions);
        if (!changeset.comment.empty())
            node.append_child("comment").text().set(changeset.comment.c_str());
        for (const Change& change : changeset.changes)
            write_change(node, change);
        if (changeset.rollback) {
            pugi::xml_node rollback = node.append_child("rollback");
            for (const Change& change : changeset.rollback->changes)
                write_change(rollback, change);
        }
        write_modify_sql(node, changeset);
    }
    std::ostringstream out;
    document.save(out, "    ", pugi::format_default, pugi::encoding_utf8);
    return std::move(out).str();
}

} // namespace strata::format
