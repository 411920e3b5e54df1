// SPDX-License-Identifier: Apache-2.0
// The measured ALGORITHM/LOCK matrix of MariaDB 10.11 as code (alter_algorithm.hpp). Each
// case names the matrix row it comes from.
#include "alter_algorithm.hpp"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>
#include <strata/text.hpp>
#include <utility>
#include <vector>

namespace strata::dialect::mysql {

std::string_view algorithm_name(Algorithm algorithm) {
    switch (algorithm) {
    case Algorithm::Instant:
        return "INSTANT";
    case Algorithm::Nocopy:
        return "NOCOPY";
    case Algorithm::Inplace:
        return "INPLACE";
    case Algorithm::Copy:
        return "COPY";
    }
    return "INPLACE";
}

std::string_view lock_name(LockLevel lock) {
    switch (lock) {
    case LockLevel::None:
        return "NONE";
    case LockLevel::Shared:
        return "SHARED";
    case LockLevel::Exclusive:
        return "EXCLUSIVE";
    }
    return "NONE";
}

std::string OnlineForm::describe() const {
    if (algorithm == Algorithm::Instant)
        return "ALGORITHM=INSTANT";
    return fmt::format("ALGORITHM={}, LOCK={}", algorithm_name(algorithm), lock_name(lock));
}

std::string byte_size(std::uint64_t bytes) {
    if (bytes >= 1024ull * 1024)
        return fmt::format("{:.1f} MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
    return fmt::format("{} KiB", (bytes + 1023) / 1024);
}

ServerFeatures ServerFeatures::from_version(std::string_view version) {
    ServerFeatures server;
    server.mariadb = to_upper(version).find("MARIADB") != std::string::npos;
    int* parts[] = {&server.major, &server.minor, &server.patch};
    std::size_t at = 0;
    for (int* part : parts) {
        std::size_t digits = at;
        while (digits < version.size() && std::isdigit(static_cast<unsigned char>(version[digits])))
            ++digits;
        if (digits == at)
            break;
        *part = std::stoi(std::string(version.substr(at, digits - at)));
        at = digits + 1;
    }
    return server;
}

bool ServerFeatures::has_instant() const {
    if (mariadb)
        return major > 10 || (major == 10 && minor >= 3);
    return major > 8 || (major == 8 && (minor > 0 || patch >= 12));
}

bool ServerFeatures::instant_drop() const {
    if (mariadb)
        return major > 10 || (major == 10 && minor >= 4);
    return major > 8 || (major == 8 && (minor > 0 || patch >= 29));
}

namespace {

std::optional<Algorithm> algorithm_of(std::string_view name) {
    for (Algorithm a :
         {Algorithm::Instant, Algorithm::Nocopy, Algorithm::Inplace, Algorithm::Copy}) {
        if (algorithm_name(a) == name)
            return a;
    }
    return std::nullopt;
}

std::optional<LockLevel> lock_of(std::string_view name) {
    for (LockLevel l : {LockLevel::None, LockLevel::Shared, LockLevel::Exclusive}) {
        if (lock_name(l) == name)
            return l;
    }
    return std::nullopt;
}

struct Effect {
    OnlineForm form;
    bool rebuild = false;
    bool certain = true;
    std::string why;
};

Effect instant() {
    return {};
}
Effect nocopy(std::string why) {
    return {{Algorithm::Nocopy, LockLevel::None}, false, true, std::move(why)};
}
Effect online_rebuild(std::string why) {
    return {{Algorithm::Inplace, LockLevel::None}, true, true, std::move(why)};
}
Effect shared_rebuild(std::string why) {
    return {{Algorithm::Inplace, LockLevel::Shared}, true, true, std::move(why)};
}
Effect copy(std::string why) {
    return {{Algorithm::Copy, LockLevel::Shared}, true, true, std::move(why)};
}

// Bytes per character of a character set (utf8mb4 4, utf8mb3 3, single-byte sets 1).
int bytes_per_char(std::string_view charset) {
    if (charset.starts_with("utf8mb4") || charset.starts_with("utf16") ||
        charset.starts_with("utf32"))
        return 4;
    if (charset.starts_with("utf8") || charset == "ujis" || charset == "eucjpms")
        return 3;
    if (charset == "ucs2" || charset == "gbk" || charset == "big5" || charset == "sjis" ||
        charset == "euckr" || charset == "gb2312" || charset == "cp932")
        return 2;
    return 1;
}

// A type as the server writes it: upper case, no integer display width, the synonyms
// Liquibase writes mapped (INTEGER -> INT, BOOLEAN -> TINYINT, NUMERIC -> DECIMAL).
std::string normal_type(std::string type) {
    type = to_upper(type);
    std::string name = type.substr(0, type.find_first_of("( "));
    std::string rest = type.substr(name.size());
    static const std::map<std::string, std::string, std::less<>> synonyms = {
        {"INTEGER", "INT"}, {"BOOL", "TINYINT"},  {"BOOLEAN", "TINYINT"}, {"NUMERIC", "DECIMAL"},
        {"DEC", "DECIMAL"}, {"FIXED", "DECIMAL"}, {"CHARACTER", "CHAR"},  {"INT4", "INT"},
        {"INT8", "BIGINT"}, {"INT2", "SMALLINT"}, {"REAL", "DOUBLE"}};
    if (auto it = synonyms.find(name); it != synonyms.end())
        name = it->second;
    static const std::set<std::string, std::less<>> integers = {"TINYINT", "SMALLINT", "MEDIUMINT",
                                                                "INT", "BIGINT"};
    if (integers.count(name) > 0 && rest.starts_with("(")) // INT(11) is INT
        rest = rest.substr(rest.find(')') + 1);
    if (name == "DECIMAL" && rest.empty())
        rest = "(10,0)";
    std::string compact;
    for (char c : name + rest) {
        if (c != ' ' || (!compact.empty() && compact.back() != ' ' && compact.back() != '(' &&
                         compact.back() != ','))
            compact += c;
    }
    return trim(compact);
}

std::string base_name(const std::string& type) {
    return type.substr(0, type.find_first_of("( "));
}

// The first number in parentheses: VARCHAR(50) -> 50.
std::optional<long> length_of(const std::string& type) {
    std::size_t open = type.find('(');
    if (open == std::string::npos)
        return std::nullopt;
    try {
        return std::stol(type.substr(open + 1));
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

// ENUM('a','b') -> its values as written between the parentheses.
std::vector<std::string> enum_values(const std::string& type) {
    std::size_t open = type.find('(');
    std::size_t close = type.rfind(')');
    if (open == std::string::npos || close == std::string::npos || close < open)
        return {};
    return split_list(type.substr(open + 1, close - open - 1));
}

// MODIFY / CHANGE against the live column: matrix rows vc_*, int_*, dec_widen, enum_*,
// null_to_nn, nn_to_null, red_*, mb3_col_*, modify_default, col_comment, reorder.
Effect modify_effect(const AlterSpec& spec, const TableFacts& table) {
    auto live = table.columns.find(to_lower(spec.column));
    if (live == table.columns.end()) {
        Effect guess = copy("a column type change is COPY unless it widens a VARCHAR within "
                            "its length-byte class or appends ENUM values (the live column is "
                            "not known here)");
        guess.certain = false;
        return guess;
    }
    const ColumnFacts& old_column = live->second;
    const ColumnDefinition& definition = spec.definition;
    bool redundant = table.row_format == "REDUNDANT";
    std::string old_type = normal_type(old_column.type);
    std::string new_type = normal_type(definition.type);

    Effect effect = instant();
    if (definition.auto_increment && !old_column.auto_increment)
        return copy("making a column AUTO_INCREMENT changes its type (\"Cannot change column "
                    "type\")");
    if (old_type != new_type) {
        std::string old_base = base_name(old_type);
        std::string new_base = base_name(new_type);
        std::optional<long> old_length = length_of(old_type);
        std::optional<long> new_length = length_of(new_type);
        bool same_rest =
            old_type.substr(old_type.find(')') + 1) == new_type.substr(new_type.find(')') + 1);
        if (old_base == new_base && (old_base == "VARCHAR" || old_base == "VARBINARY") &&
            old_length && new_length && same_rest) {
            std::string charset =
                definition.charset.empty() ? old_column.charset : definition.charset;
            long per_char = old_base == "VARBINARY" ? 1 : bytes_per_char(charset);
            long old_bytes = *old_length * per_char;
            long new_bytes = *new_length * per_char;
            if (new_bytes < old_bytes)
                return copy(fmt::format("{} -> {} shrinks the column", old_type, new_type));
            bool same_class = (old_bytes <= 255) == (new_bytes <= 255);
            if (!redundant && !same_class && old_bytes > 127)
                return copy(fmt::format("{} -> {} grows the column from {} to {} bytes: across "
                                        "255 bytes from over 127 the row format changes",
                                        old_type, new_type, old_bytes, new_bytes));
        } else if (old_base == new_base && (old_base == "ENUM" || old_base == "SET")) {
            std::vector<std::string> old_values = enum_values(old_type);
            std::vector<std::string> new_values = enum_values(new_type);
            if (new_values.size() < old_values.size() ||
                !std::equal(old_values.begin(), old_values.end(), new_values.begin()))
                return copy(fmt::format("{} -> {} inserts or removes values (only appending "
                                        "at the end is instant)",
                                        old_type, new_type));
        } else {
            return copy(fmt::format("{} -> {} changes the column type", old_type, new_type));
        }
    }
    if (!definition.charset.empty() && !old_column.charset.empty() &&
        definition.charset != old_column.charset) {
        bool mb3_to_mb4 = (old_column.charset == "utf8mb3" || old_column.charset == "utf8") &&
                          definition.charset == "utf8mb4";
        if (!mb3_to_mb4 || base_name(new_type) == "ENUM" || base_name(new_type) == "SET")
            return copy(fmt::format("{} -> {} re-encodes the column", old_column.charset,
                                    definition.charset));
    }
    bool nullable = !definition.not_null.value_or(false);
    if (nullable != old_column.nullable) {
        if (nullable && redundant)
            return effect;
        return online_rebuild(
            nullable ? "NOT NULL -> NULL rebuilds the table (instant only on ROW_FORMAT=REDUNDANT)"
                     : "NULL -> NOT NULL rebuilds the table, and fails if a row holds a NULL");
    }
    return effect;
}

// One specification of an ALTER (or the ADD of CREATE INDEX, the DROP of DROP INDEX).
Effect spec_effect(const AlterSpec& spec, const TableFacts& table, const ServerFeatures& server) {
    switch (spec.action) {
    case AlterAction::AddColumn: {
        const ColumnDefinition& column = spec.definition;
        if (column.auto_increment)
            return shared_rebuild("adding an AUTO_INCREMENT column rebuilds the table and "
                                  "blocks writes (LOCK=SHARED)");
        if (column.stored_generated)
            return copy("a STORED generated column is computed for every row by COPY");
        if (column.default_kind == ColumnDefinition::Default::Expression)
            return copy("an expression default (such as UUID()) is computed for every row by "
                        "COPY");
        if (column.primary_key || column.unique)
            return online_rebuild("a column with its own PRIMARY KEY or UNIQUE index: adding "
                                  "a column and an index in one statement rebuilds the table");
        if (table.has_fulltext)
            return shared_rebuild("the table has a FULLTEXT index: ADD COLUMN rebuilds it and "
                                  "blocks writes (LOCK=SHARED)");
        if (table.row_format == "COMPRESSED")
            return online_rebuild("ROW_FORMAT=COMPRESSED: ADD COLUMN rebuilds the table");
        if (!server.has_instant())
            return online_rebuild("this server has no instant ADD COLUMN");
        return instant();
    }
    case AlterAction::DropColumn:
        if (table.primary.count(to_lower(spec.column)) > 0)
            return online_rebuild("dropping a primary key column rebuilds the table");
        if (!server.instant_drop())
            return online_rebuild("this server has no instant DROP COLUMN");
        if (table.indexed.count(to_lower(spec.column)) > 0)
            return nocopy("the column's index is dropped with it");
        return instant();
    case AlterAction::ModifyColumn:
    case AlterAction::ChangeColumn:
        return modify_effect(spec, table);
    case AlterAction::AddIndex:
    case AlterAction::AddUnique:
        return nocopy("an index is built while reads and writes go on");
    case AlterAction::AddFulltext:
        if (table.has_fulltext)
            return {{Algorithm::Nocopy, LockLevel::Shared},
                    false,
                    true,
                    "a FULLTEXT index is built with writes blocked (LOCK=SHARED)"};
        return shared_rebuild("the first FULLTEXT index rebuilds the table with writes "
                              "blocked (LOCK=SHARED)");
    case AlterAction::AddSpatial: {
        Effect effect{{Algorithm::Nocopy, LockLevel::Shared},
                      false,
                      false,
                      "a SPATIAL index is built with writes blocked (not measured)"};
        return effect;
    }
    case AlterAction::AddPrimaryKey:
        return online_rebuild("adding a primary key rebuilds the table");
    case AlterAction::DropPrimaryKey:
        return copy("dropping the primary key alone is COPY (DROP and ADD PRIMARY KEY in one "
                    "statement is an online rebuild)");
    case AlterAction::AddForeignKey:
        return copy("with foreign_key_checks=1 the server checks every row by COPY");
    case AlterAction::AddCheck:
        return copy("a CHECK constraint is checked against every row by COPY");
    case AlterAction::DropIndex:
        return nocopy("an index is dropped");
    case AlterAction::Rebuild:
        return online_rebuild("FORCE, ENGINE= and ROW_FORMAT= rebuild the table");
    case AlterAction::ConvertCharset: {
        Effect effect = copy("CONVERT TO CHARACTER SET re-encodes every row by COPY unless "
                             "nothing but utf8mb3 VARCHARs change (a TEXT or ENUM column "
                             "forces COPY)");
        effect.certain = false;
        return effect;
    }
    case AlterAction::RenameColumn:
    case AlterAction::ColumnDefault:
    case AlterAction::DropForeignKey:
    case AlterAction::DropConstraint:
    case AlterAction::RenameIndex:
    case AlterAction::RenameTable:
    case AlterAction::TableOption:
    case AlterAction::Other:
        return instant();
    }
    return instant();
}

bool known_action(AlterAction action) {
    return action != AlterAction::Other;
}

bool worse(const OnlineForm& a, const OnlineForm& b) {
    return a.algorithm > b.algorithm || (a.algorithm == b.algorithm && a.lock > b.lock);
}

} // namespace

Prediction predict(const ParsedStatement& statement, const TableFacts& table,
                   const ServerFeatures& server) {
    Prediction prediction;
    std::vector<std::pair<AlterAction, Effect>> effects;
    bool column_work = false;
    bool index_build = false;
    bool drop_primary = false;
    bool add_primary = false;
    for (const AlterSpec& spec : statement.specs) {
        if (!known_action(spec.action))
            continue;
        Effect effect = spec_effect(spec, table, server);
        column_work =
            column_work ||
            ((spec.action == AlterAction::AddColumn || spec.action == AlterAction::DropColumn) &&
             effect.form.algorithm == Algorithm::Instant);
        index_build = index_build || spec.action == AlterAction::AddIndex ||
                      spec.action == AlterAction::AddUnique;
        drop_primary = drop_primary || spec.action == AlterAction::DropPrimaryKey;
        add_primary = add_primary || spec.action == AlterAction::AddPrimaryKey;
        effects.emplace_back(spec.action, std::move(effect));
    }
    for (auto& [action, effect] : effects) {
        // matrix row replace_pk: together they are one online rebuild
        if (drop_primary && add_primary &&
            (action == AlterAction::DropPrimaryKey || action == AlterAction::AddPrimaryKey))
            effect = online_rebuild("DROP and ADD PRIMARY KEY in one statement rebuild the "
                                    "table online");
        prediction.known = true;
        if (worse(effect.form, prediction.form)) {
            prediction.form = effect.form;
            prediction.why = effect.why;
        }
        prediction.rebuild = prediction.rebuild || effect.rebuild;
        prediction.certain = prediction.certain && effect.certain;
    }
    // What a statement names is a floor (measured): ALGORITHM=COPY copies even a rename,
    // LOCK=SHARED blocks writes even where none need to wait.
    if (std::optional<Algorithm> named = algorithm_of(statement.algorithm.value_or(""));
        prediction.known && named && *named > prediction.form.algorithm) {
        prediction.form.algorithm = *named;
        prediction.rebuild = prediction.rebuild || *named >= Algorithm::Inplace;
        prediction.why = fmt::format("the statement asks for ALGORITHM={}", *statement.algorithm);
        if (*named == Algorithm::Copy && prediction.form.lock == LockLevel::None)
            prediction.form.lock = LockLevel::Shared;
    }
    if (std::optional<LockLevel> named = lock_of(statement.lock.value_or(""));
        prediction.known && named && *named > prediction.form.lock) {
        prediction.form.lock = *named;
        prediction.why = fmt::format("the statement asks for LOCK={}", *statement.lock);
    }
    if (column_work && index_build &&
        !worse(prediction.form, {Algorithm::Inplace, LockLevel::None})) { // add_col_and_idx
        prediction.form = {Algorithm::Inplace, LockLevel::None};
        prediction.rebuild = true;
        prediction.combined = true;
        prediction.why = "ADD/DROP COLUMN and ADD INDEX in one statement rebuild the whole "
                         "table (each alone: instant, then an online index build)";
    }
    return prediction;
}

OnlineForm first_form(const Prediction& prediction) {
    if (!prediction.known || prediction.form.blocks_writes())
        return {std::min(prediction.known ? prediction.form.algorithm : Algorithm::Inplace,
                         Algorithm::Inplace),
                LockLevel::None};
    return prediction.form;
}

std::optional<OnlineForm> next_form(const OnlineForm& tried, std::string_view message) {
    std::string text = to_upper(message);
    auto names_after = [&](std::string_view marker) {
        std::vector<std::string> names;
        std::size_t at = text.find(marker);
        if (at == std::string::npos)
            return names;
        at += marker.size();
        std::string word;
        for (; at <= text.size(); ++at) {
            char c = at < text.size() ? text[at] : ' ';
            if (std::isalpha(static_cast<unsigned char>(c))) {
                word += c;
                continue;
            }
            if (!word.empty())
                names.push_back(word);
            word.clear();
            if (c != '/') // MySQL: "Try ALGORITHM=COPY/INPLACE"
                break;
        }
        return names;
    };
    auto with_algorithm = [&](Algorithm algorithm) {
        OnlineForm next = tried;
        next.algorithm = algorithm;
        if (algorithm == Algorithm::Copy && next.lock == LockLevel::None)
            next.lock = LockLevel::Shared; // "COPY algorithm requires a lock" (10.11)
        return next;
    };

    bool refused = text.find("IS NOT SUPPORTED") != std::string::npos;
    if (refused) {
        // The least blocking algorithm offered beyond the one refused.
        std::optional<Algorithm> best;
        for (const std::string& name : names_after("TRY ALGORITHM=")) {
            std::optional<Algorithm> offered = algorithm_of(name);
            if (offered && *offered > tried.algorithm && (!best || *offered < *best))
                best = offered;
        }
        if (best)
            return with_algorithm(*best);
        for (const std::string& name : names_after("TRY LOCK=")) {
            LockLevel lock = name == "EXCLUSIVE" ? LockLevel::Exclusive : LockLevel::Shared;
            if (lock > tried.lock) {
                OnlineForm next = tried;
                next.lock = lock;
                return next;
            }
        }
    }
    if (refused || text.find("UNKNOWN ALGORITHM") != std::string::npos) {
        if (tried.algorithm == Algorithm::Copy)
            return std::nullopt;
        return with_algorithm(static_cast<Algorithm>(static_cast<int>(tried.algorithm) + 1));
    }
    return std::nullopt;
}

std::string online_clause(StatementKind kind, const OnlineForm& form,
                          const ServerFeatures& server) {
    Algorithm algorithm = form.algorithm;
    if (algorithm == Algorithm::Instant && !server.has_instant())
        algorithm = Algorithm::Inplace;
    if (algorithm == Algorithm::Nocopy && !server.has_nocopy())
        algorithm = Algorithm::Inplace;
    std::string separator = kind == StatementKind::CreateIndex ? " " : ", ";
    std::string clause = separator + "ALGORITHM=" + std::string(algorithm_name(algorithm));
    if (algorithm != Algorithm::Instant)
        clause += separator + "LOCK=" + std::string(lock_name(form.lock));
    return clause;
}

} // namespace strata::dialect::mysql
