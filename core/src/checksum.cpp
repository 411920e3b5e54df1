// SPDX-License-Identifier: Apache-2.0
#include "strata/core/checksum.hpp"

#include "strata/filter.hpp"

#include <algorithm>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <openssl/evp.h>
#include <set>
#include <sstream>

namespace strata::checksum {
namespace {

bool is_sql_whitespace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// Liquibase's CheckSum.compute(String): line endings standardised, U+FFFD dropped.
// NFC normalisation is the identity for the ASCII and precomposed text changelogs hold.
std::string compute(std::string text) {
    // Most texts have neither: digested as they are, not copied a byte at a time.
    if (text.find('\r') == std::string::npos && text.find("\xEF\xBF\xBD") == std::string::npos)
        return md5_hex(text);
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\r') {
            out += '\n';
            if (i + 1 < text.size() && text[i + 1] == '\n')
                ++i;
        } else if (text.compare(i, 3, "\xEF\xBF\xBD") == 0) {
            i += 2;
        } else {
            out += text[i];
        }
    }
    return md5_hex(out);
}

std::string tagged(Version version, std::string_view hex) {
    return fmt::format("{}:{}", static_cast<int>(version), hex);
}

// v9 raw SQL: every space, tab, CR and LF byte removed, nothing else normalised.
std::string sql_inner_v9(std::string_view sql) {
    std::string stripped;
    stripped.reserve(sql.size());
    std::copy_if(sql.begin(), sql.end(), std::back_inserter(stripped),
                 [](char c) { return !is_sql_whitespace(c); });
    return md5_hex(stripped);
}

// v8 raw SQL: a header of the splitting options, then whitespace runs collapsed to one space.
std::string sql_inner_v8(std::string_view sql, const Change& change, bool strip_default) {
    const std::string* delimiter = change.get("endDelimiter");
    std::string text = fmt::format("{}:{}:{}:", delimiter ? *delimiter : "null",
                                   change.flag("splitStatements", true) ? "true" : "false",
                                   change.flag("stripComments", strip_default) ? "true" : "false");
    bool pending_space = false;
    bool seen = false;
    for (char c : sql) {
        if (is_sql_whitespace(c)) {
            pending_space = seen;
            continue;
        }
        if (pending_space)
            text += ' ';
        pending_space = false;
        seen = true;
        text += c;
    }
    return md5_hex(text);
}

std::string read_file(const std::filesystem::path& path, const SourceLocation& where) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error(ErrorKind::Validation, fmt::format("cannot read file '{}'", path.string()),
                    where,
                    "check the path; relativeToChangelogFile=\"true\" makes it relative to the "
                    "changelog");
    std::ostringstream content;
    content << in.rdbuf();
    return content.str();
}

// loadData hashes the CSV with CRs, blank lines and comment lines removed.
std::string csv_inner(const Change& change) {
    std::string csv = read_file(change.file_path("file"), change.where);
    std::string comment = change.value("commentLineStartsWith");
    if (comment.empty())
        comment = "#";
    std::string kept;
    std::istringstream lines(csv);
    for (std::string line; std::getline(lines, line);) {
        line.erase(std::remove(line.begin(), line.end(), '\r'), line.end());
        if (line.empty() || line.starts_with(comment))
            continue;
        if (!kept.empty())
            kept += '\n';
        kept += line;
    }
    return md5_hex(kept);
}

std::string indent(int level) {
    return std::string(static_cast<std::size_t>(4 * level), ' ');
}

// Liquibase's serialisation of a nested object: its sorted, de-duplicated lines between
// brackets.
std::string object(const std::set<std::string>& lines, int level) {
    if (lines.empty())
        return "[" + indent(level - 1) + "]";
    std::string text = "[\n";
    for (const std::string& line : lines)
        text += line + "\n";
    return text + indent(level - 1) + "]";
}

void add_attributes(std::set<std::string>& lines, const Attributes& attributes, int level) {
    for (const auto& [key, value] : attributes)
        lines.insert(fmt::format("{}{}=\"{}\"", indent(level), key, value));
}

// Measured on Liquibase 4.28: a createIndex column's `type` is not serialised (an index
// column has no type), while its name, descending and computed are.
bool excluded_column_attribute(ChangeKind kind, std::string_view key) {
    return kind == ChangeKind::CreateIndex && key == "type";
}

std::string column_object(const Column& column, ChangeKind kind, int level) {
    std::set<std::string> lines;
    if (column.constraints) {
        std::set<std::string> constraint_lines;
        add_attributes(constraint_lines, *column.constraints, level + 1);
        lines.insert(indent(level) + object(constraint_lines, level + 1));
    }
    for (const auto& [key, value] : column.attributes) {
        if (excluded_column_attribute(kind, key))
            continue;
        // Liquibase serialises a parsed date-time in ISO form: "2024-01-02 03:04:05" is
        // written "2024-01-02T03:04:05" (measured).
        if ((key == "valueDate" || key == "defaultValueDate") && value.size() > 10 &&
            value[10] == ' ' && value[4] == '-' && value[7] == '-') {
            std::string iso = value;
            iso[10] = 'T';
            lines.insert(fmt::format("{}{}=\"{}\"", indent(level), key, iso));
            continue;
        }
        lines.insert(fmt::format("{}{}=\"{}\"", indent(level), key, value));
    }
    return object(lines, level);
}

bool excluded_from_serialization(const Change& change, std::string_view key, Version version) {
    // strata's own attributes are no part of the change Liquibase sees.
    if (key.starts_with("strata:"))
        return true;
    switch (change.kind) {
    case ChangeKind::CreateTable:
        return key == "ifNotExists";
    case ChangeKind::CreateIndex:
    case ChangeKind::DropIndex:
        return key == "associatedWith";
    case ChangeKind::CreateView:
    case ChangeKind::CreateProcedure:
        // v9 hashes the SQL text separately (see of_change); these never take part.
        return version == Version::V9 &&
               (key == "selectQuery" || key == "procedureText" || key == "path" ||
                key == "encoding" || key == "relativeToChangelogFile" || key == "dbms" ||
                key == "comments");
    default:
        return false;
    }
}

} // namespace

std::string md5_hex(std::string_view bytes) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    // Fetched once: EVP_md5() makes OpenSSL 3 look the algorithm up again on every digest, a
    // quarter of the time of checksumming a short changeset.
    static EVP_MD* const md5 = EVP_MD_fetch(nullptr, "MD5", nullptr);
    EVP_Digest(bytes.data(), bytes.size(), digest, &length, md5 ? md5 : EVP_md5(), nullptr);
    static constexpr char kHex[] = "0123456789abcdef";
    std::string hex(2 * length, '0');
    for (unsigned int i = 0; i < length; ++i) {
        hex[2 * i] = kHex[digest[i] >> 4];
        hex[2 * i + 1] = kHex[digest[i] & 0xF];
    }
    return hex;
}

Stored parse(std::string_view md5sum) {
    auto colon = md5sum.find(':');
    if (colon == std::string_view::npos)
        return Stored{1, std::string(md5sum)};
    int version = 0;
    for (char c : md5sum.substr(0, colon)) {
        if (c < '0' || c > '9')
            return Stored{0, std::string(md5sum)};
        version = version * 10 + (c - '0');
    }
    return Stored{version, std::string(md5sum.substr(colon + 1))};
}

std::string serialize(const Change& change, Version version) {
    std::set<std::string> lines;
    Attributes attributes;
    for (const auto& [key, value] : change_spec(change.kind).defaults)
        attributes.emplace(key, value);
    for (const auto& [key, value] : change.attributes) {
        if (excluded_from_serialization(change, key, version))
            continue;
        // Liquibase's v8 bean property for a procedure's inline text is procedureBody.
        bool v8_body = change.kind == ChangeKind::CreateProcedure && key == "procedureText";
        attributes.insert_or_assign(v8_body ? "procedureBody" : key, value);
    }
    add_attributes(lines, attributes, 1);
    if (!change.columns.empty()) {
        std::string columns = indent(1) + "columns=[\n";
        for (std::size_t i = 0; i < change.columns.size(); ++i) {
            columns += indent(2) + column_object(change.columns[i], change.kind, 3);
            columns += i + 1 < change.columns.size() ? ",\n" : "\n";
        }
        lines.insert(columns + indent(1) + "]");
    }
    return fmt::format("{}:{}", change.type_name(), object(lines, 1));
}

std::string of_change(const Change& change, Version version) {
    switch (change.kind) {
    case ChangeKind::Sql: {
        std::string sql = change.value("sql");
        return tagged(version, version == Version::V9 ? sql_inner_v9(sql)
                                                      : sql_inner_v8(sql, change, false));
    }
    case ChangeKind::SqlFile: {
        std::string sql = read_file(change.file_path("path"), change.where);
        return tagged(version, version == Version::V9 ? sql_inner_v9(sql)
                                                      : sql_inner_v8(sql, change, false));
    }
    case ChangeKind::LoadData:
    case ChangeKind::LoadUpdateData:
        return tagged(version, compute(fmt::format("{}:{}", change.value("tableName"),
                                                   tagged(version, csv_inner(change)))));
    case ChangeKind::CreateView:
    case ChangeKind::CreateProcedure:
        if (version == Version::V9) {
            const std::string* inline_text =
                change.get(change.kind == ChangeKind::CreateView ? "selectQuery" : "procedureText");
            // path="...": the file's text is hashed as inline text would be (measured).
            std::string text = inline_text != nullptr ? *inline_text
                               : change.get("path") != nullptr
                                   ? read_file(change.file_path("path"), change.where)
                                   : std::string();
            return tagged(
                version,
                compute(fmt::format("{}:{}", tagged(version, compute(serialize(change, version))),
                                    tagged(version, sql_inner_v9(text)))));
        }
        break;
    default:
        break;
    }
    return tagged(version, compute(serialize(change, version)));
}

namespace {

bool targets_other_database(const Change& change, std::string_view database) {
    switch (change.kind) {
    case ChangeKind::Sql:
    case ChangeKind::SqlFile:
    case ChangeKind::CreateProcedure: {
        const std::string* dbms = change.get("dbms");
        return dbms != nullptr && !dbms_matches(*dbms, database);
    }
    default:
        return false;
    }
}

std::string visitor_serialization(const SqlVisitor& visitor, Version version) {
    std::set<std::string> lines;
    Attributes attributes = visitor.attributes;
    attributes.insert_or_assign("applyToRollback", visitor.apply_to_rollback ? "true" : "false");
    // v8 serialises a visitor's context and labels too (measured: contextFilter="dev").
    if (version == Version::V8 && !visitor.context_filter.empty())
        attributes.insert_or_assign("contextFilter", visitor.context_filter);
    if (version == Version::V8 && !visitor.labels.empty())
        attributes.insert_or_assign("labels", visitor.labels);
    add_attributes(lines, attributes, 1);
    if (version == Version::V8 && !visitor.dbms.empty()) {
        std::string dbms = indent(1) + "applicableDbms=[\n";
        std::istringstream names(visitor.dbms);
        std::vector<std::string> entries;
        for (std::string name; std::getline(names, name, ',');) {
            name.erase(0, name.find_first_not_of(' '));
            name.erase(name.find_last_not_of(' ') + 1);
            entries.push_back(indent(2) + name);
        }
        for (std::size_t i = 0; i < entries.size(); ++i)
            dbms += entries[i] + (i + 1 < entries.size() ? ",\n" : "\n");
        lines.insert(dbms + indent(1) + "]");
    }
    return fmt::format("{}:{}", visitor.type, object(lines, 1));
}

} // namespace

std::string of_changeset(const ChangeSet& changeset, Version version, std::string_view database) {
    std::string parts;
    for (const Change& change : changeset.changes) {
        if (version == Version::V9 && targets_other_database(change, database))
            continue;
        parts += of_change(change, version) + ":";
    }
    for (const SqlVisitor& visitor : changeset.modify_sql) {
        // A modifySql block for another database is left out, in v9 and in v8 alike (measured
        // on Liquibase 4.28, in XML and in YAML's `- dbms:` item).
        if (!visitor.dbms.empty() && !dbms_matches(visitor.dbms, database))
            continue;
        parts += tagged(version, compute(visitor_serialization(visitor, version))) + ";";
    }
    return tagged(version, compute(parts));
}

} // namespace strata::checksum
