// SPDX-License-Identifier: Apache-2.0
#include "strata/core/schema_pictures.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace strata {

namespace {

/// Text inside HTML (and Graphviz's HTML-like labels, which follow the same escaping).
std::string html(std::string_view text) {
    std::string out;
    for (char c : text) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        default:
            out += c;
        }
    }
    return out;
}

/// A Graphviz ID: always quoted, so any table name is one.
std::string dot_id(std::string_view name) {
    std::string out = "\"";
    for (char c : name) {
        if (c == '"' || c == '\\')
            out += '\\';
        out += c;
    }
    return out + "\"";
}

bool contains(const std::vector<std::string>& names, const std::string& name) {
    return std::ranges::find(names, name) != names.end();
}

bool in_primary_key(const snapshot::Table& table, const std::string& column) {
    return table.primary_key && contains(table.primary_key->columns, column);
}

bool in_foreign_key(const snapshot::Table& table, const std::string& column) {
    return std::ranges::any_of(table.foreign_keys, [&](const snapshot::ForeignKey& key) {
        return contains(key.columns, column);
    });
}

/// "PK", "FK", "PK FK" or "".
std::string key_marks(const snapshot::Table& table, const snapshot::Column& column) {
    std::string marks;
    if (in_primary_key(table, column.name))
        marks = "PK";
    if (in_foreign_key(table, column.name))
        marks += marks.empty() ? "FK" : " FK";
    return marks;
}

std::string joined(const std::vector<std::string>& names) {
    return fmt::format("{}", fmt::join(names, ", "));
}

} // namespace

std::string write_dot(const snapshot::Schema& schema) {
    std::string out =
        fmt::format("digraph {} {{\n", dot_id(schema.name.empty() ? "schema" : schema.name));
    out += "  graph [rankdir=LR];\n  node [shape=plaintext, fontname=\"Helvetica\"];\n"
           "  edge [fontname=\"Helvetica\", fontsize=10];\n";
    for (const snapshot::Table& table : schema.tables) {
        out += fmt::format("  {} [label=<<TABLE BORDER=\"0\" CELLBORDER=\"1\" CELLSPACING=\"0\">"
                           "<TR><TD COLSPAN=\"3\" BGCOLOR=\"lightgrey\"><B>{}</B></TD></TR>",
                           dot_id(table.name), html(table.name));
        for (const snapshot::Column& column : table.columns)
            out +=
                fmt::format("<TR><TD PORT=\"{}\" ALIGN=\"LEFT\">{}</TD><TD ALIGN=\"LEFT\">{}{}</TD>"
                            "<TD>{}</TD></TR>",
                            html(column.name), html(column.name), html(column.type),
                            column.nullable ? "" : " NOT NULL", key_marks(table, column));
        out += "</TABLE>>];\n";
    }
    for (const snapshot::Table& table : schema.tables) {
        for (const snapshot::ForeignKey& key : table.foreign_keys) {
            // From the first referencing column to the first referenced one.
            std::string from = key.columns.empty() ? "" : ":" + dot_id(key.columns.front());
            std::string to =
                key.referenced_columns.empty() ? "" : ":" + dot_id(key.referenced_columns.front());
            out += fmt::format("  {}{} -> {}{} [label={}];\n", dot_id(table.name), from,
                               dot_id(key.referenced_table), to, dot_id(key.name));
        }
    }
    return out + "}\n";
}

std::string write_html_report(const snapshot::Schema& schema,
                              const std::vector<HistoryRow>& history,
                              const std::string& diagram_svg) {
    std::string title = fmt::format("{} schema {}", schema.database, schema.name);
    std::string out = fmt::format(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{}</title>\n"
        "<style>body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse;"
        "margin-bottom:1.5em}}td,th{{border:1px solid #ccc;padding:2px 8px;text-align:left}}"
        "th{{background:#eee}}</style></head><body>\n<h1>{}</h1>\n",
        html(title), html(title));
    out += "<h2>Diagram</h2>\n";
    out +=
        diagram_svg.empty()
            ? "<p>No diagram: Graphviz's <code>dot</code> was not found (install graphviz).</p>\n"
            : "<div class=\"diagram\">" + diagram_svg + "</div>\n";

    out += fmt::format("<h2>Tables ({})</h2>\n", schema.tables.size());
    for (const snapshot::Table& table : schema.tables) {
        out += fmt::format("<h3 id=\"table-{}\">{}</h3>\n", html(table.name), html(table.name));
        if (!table.comment.empty())
            out += "<p>" + html(table.comment) + "</p>\n";
        out += "<table><tr><th>Column</th><th>Type</th><th>Nullable</th><th>Default</th>"
               "<th>Key</th><th>Comment</th></tr>\n";
        for (const snapshot::Column& column : table.columns)
            out += fmt::format(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
                "<td>{}</td></tr>\n",
                html(column.name), html(column.type), column.nullable ? "yes" : "no",
                html(column.auto_increment ? "auto increment" : column.default_value.value_or("")),
                key_marks(table, column), html(column.comment));
        out += "</table>\n<ul>\n";
        if (table.primary_key)
            out += fmt::format("<li>Primary key {} ({})</li>\n", html(table.primary_key->name),
                               html(joined(table.primary_key->columns)));
        for (const snapshot::KeyConstraint& unique : table.unique_constraints)
            out += fmt::format("<li>Unique {} ({})</li>\n", html(unique.name),
                               html(joined(unique.columns)));
        for (const snapshot::ForeignKey& key : table.foreign_keys)
            out += fmt::format("<li>Foreign key {} ({}) references <a href=\"#table-{}\">{}</a> "
                               "({}), on delete {}, on update {}</li>\n",
                               html(key.name), html(joined(key.columns)),
                               html(key.referenced_table), html(key.referenced_table),
                               html(joined(key.referenced_columns)), key.on_delete, key.on_update);
        for (const snapshot::CheckConstraint& check : table.check_constraints)
            out += fmt::format("<li>Check {}: {}</li>\n", html(check.name), html(check.expression));
        for (const snapshot::Index& index : table.indexes) {
            std::vector<std::string> columns;
            for (const snapshot::IndexColumn& column : index.columns)
                columns.push_back(column.name + (column.descending ? " DESC" : ""));
            out += fmt::format("<li>{}ndex {} ({}){}</li>\n", index.unique ? "Unique i" : "I",
                               html(index.name), html(joined(columns)),
                               index.where.empty() ? "" : " where " + html(index.where));
        }
        out += "</ul>\n";
    }
    out += fmt::format("<h2>Views ({})</h2>\n", schema.views.size());
    for (const snapshot::View& view : schema.views)
        out += fmt::format("<h3>{}</h3><pre>{}</pre>\n", html(view.name), html(view.definition));
    out += fmt::format("<h2>Sequences ({})</h2>\n<ul>\n", schema.sequences.size());
    for (const snapshot::Sequence& sequence : schema.sequences)
        out += fmt::format("<li>{}: start {}, increment {}</li>\n", html(sequence.name),
                           html(sequence.start_value), html(sequence.increment_by));
    out += "</ul>\n";

    out += fmt::format("<h2>Change history ({})</h2>\n<table><tr><th>#</th><th>Changeset</th>"
                       "<th>Executed</th><th>Type</th><th>Description</th><th>Tag</th></tr>\n",
                       history.size());
    for (const HistoryRow& row : history)
        out += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
                           "<td>{}</td></tr>\n",
                           row.order_executed, html(row.identifier()), html(row.date_executed),
                           html(row.exec_type), html(row.description), html(row.tag.value_or("")));
    return out + "</table>\n</body></html>\n";
}

} // namespace strata
