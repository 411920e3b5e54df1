// SPDX-License-Identifier: Apache-2.0
// The differential harness (issue 11): every change and data changelog of Liquibase's own
// test harness (../shared/liquibase-test-harness), and the project's changelogs, applied by
// strata (the `strata` binary) and by the real Liquibase 4.28, each on a fresh database of
// its own seeded with the harness's init schema; then the two results are compared:
//   update    did both succeed (or both fail)?
//   history   DATABASECHANGELOG, every column but DATEEXECUTED, DEPLOYMENT_ID, LIQUIBASE
//             (ORDEREXECUTED as the rows' order)
//   schema    read from the catalogs: tables, columns (type, nullability, default, identity,
//             comment), keys, foreign keys with actions, unique and check constraints,
//             indexes, views, sequences, triggers, routines
//   data      every row of every table, sorted
//   rollback  then each tool rolls back what it applied (`rollback-count` with the number of
//             history rows, as a Liquibase user does): did both succeed?
//   restored  strata's state after the rollback must be the seed; where Liquibase itself
//             cannot get back to the seed, strata must end where Liquibase ends
//   liquibase-restored  Liquibase itself did not get back to the seed (not counted against
//             strata's score, but listed: the reason says why)
// Every difference fails the test unless tests/harness/allow-list.txt lists it with its
// reason; an entry that matches no difference fails too, so a fixed bug loses its entry.
//
// Speed: Liquibase runs in ONE JVM per database and phase (tests/harness/LiquibaseDriver.java,
// a loop over Liquibase's CommandScope), in parallel with strata's runs; a JVM start per
// command would cost minutes.
//
// Needs STRATA_LIQUIBASE (the launcher from tests/interop/setup_liquibase.sh) and, for the
// servers, STRATA_TEST_PG_URL / STRATA_TEST_MYSQL_URL (scripts/test.sh sets all three). A
// missing one FAILS, unless STRATA_TEST_ALLOW_MISSING_SERVERS=1 (then a visible skip).
#include "harness_support.hpp"
#include "test_support.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <fmt/format.h>
#include <fstream>
#include <future>
#include <gtest/gtest.h>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <strata/core/database.hpp>
#include <strata/dialect.hpp>
#include <strata/text.hpp>
#include <string>
#include <unistd.h>
#include <vector>

namespace strata::test {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

const fs::path kHarnessRoot = harness_root();
const fs::path kAllowList = fs::path(STRATA_HARNESS_DIR) / "allow-list.txt";

std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

std::string upper(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return text;
}

std::string trim(const std::string& text) {
    std::size_t begin = text.find_first_not_of(" \t\r\n");
    if (begin == std::string::npos)
        return {};
    std::size_t end = text.find_last_not_of(" \t\r\n");
    return text.substr(begin, end - begin + 1);
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
    if (from.empty())
        return text;
    for (std::size_t at = text.find(from); at != std::string::npos;
         at = text.find(from, at + to.size()))
        text.replace(at, from.size(), to);
    return text;
}

std::string value(const std::optional<std::string>& cell) {
    return cell ? *cell : "NULL";
}

/// Values written at run time (CURRENT_TIMESTAMP defaults and the like) differ between two
/// runs by nature: a date within a day of now becomes <now>. The seed's dates are decades off.
std::string mask_now(const std::string& text) {
    static const std::regex stamp(R"((\d{4})-(\d{2})-(\d{2})([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?)");
    std::time_t now = std::time(nullptr);
    std::string out;
    auto begin = std::sregex_iterator(text.begin(), text.end(), stamp);
    std::size_t last = 0;
    for (auto it = begin; it != std::sregex_iterator(); ++it) {
        const std::smatch& m = *it;
        std::tm tm{};
        tm.tm_year = std::stoi(m[1]) - 1900;
        tm.tm_mon = std::stoi(m[2]) - 1;
        tm.tm_mday = std::stoi(m[3]);
        tm.tm_hour = 12;
        std::time_t when = timegm(&tm);
        if (std::abs(std::difftime(when, now)) > 2 * 86400.0)
            continue;
        out += text.substr(last, static_cast<std::size_t>(m.position(0)) - last) + "<now>";
        last = static_cast<std::size_t>(m.position(0) + m.length(0));
    }
    return out + text.substr(last);
}

bool is_tracking_table(const std::string& name) {
    std::string l = lower(name);
    return l == "databasechangelog" || l == "databasechangeloglock" || l.rfind("strata_", 0) == 0;
}

// ------------------------------------------------------------------------------------------
// The state of one database, as text lines that compare as sets.

struct State {
    std::vector<std::string> history; // DATABASECHANGELOG rows in ORDEREXECUTED order
    std::set<std::string> schema;
    std::multiset<std::string> data;
    std::string error; // reading failed

    [[nodiscard]] std::size_t history_rows() const {
        return history.empty() ? 0 : history.size() - 1; // line 0 names the table
    }
};

template <typename Set>
std::string set_diff(const Set& theirs, const Set& ours, std::size_t limit = 40) {
    std::vector<std::string> lines;
    for (const auto& line : theirs)
        if (ours.count(line) < theirs.count(line))
            lines.push_back("    liquibase only: " + line);
    for (const auto& line : ours)
        if (theirs.count(line) < ours.count(line))
            lines.push_back("    strata only:    " + line);
    std::sort(lines.begin(), lines.end(), [](const std::string& a, const std::string& b) {
        return a.substr(20) < b.substr(20);
    });
    lines.erase(std::unique(lines.begin(), lines.end()), lines.end());
    std::string out;
    for (std::size_t i = 0; i < lines.size() && i < limit; ++i)
        out += lines[i] + "\n";
    if (lines.size() > limit)
        out += fmt::format("    ... {} more lines\n", lines.size() - limit);
    return out;
}

std::string history_diff(const std::vector<std::string>& theirs,
                         const std::vector<std::string>& ours) {
    std::string out;
    std::size_t rows = std::max(theirs.size(), ours.size());
    for (std::size_t i = 0; i < rows; ++i) {
        std::string a = i < theirs.size() ? theirs[i] : "(none)";
        std::string b = i < ours.size() ? ours[i] : "(none)";
        if (a != b)
            out += fmt::format("    row {}: liquibase {}\n    row {}: strata    {}\n", i, a, i, b);
    }
    return out;
}

// ------------------------------------------------------------------------------------------
// One database kind: fresh namespaces, seeding, URLs for both tools, the catalog reader.

struct ServerUrl {
    std::string user, password, host, port, database, query;
};

std::optional<ServerUrl> parse_url(const std::string& url) {
    std::smatch m;
    if (!std::regex_search(
            url, m, std::regex(R"(^\w+://([^:@/]+):([^@/]*)@([^:/]+):(\d+)/([^?]+)(\?.*)?$)")))
        return std::nullopt;
    return ServerUrl{m[1], m[2], m[3], m[4], m[5], m[6]};
}

class Target {
public:
    virtual ~Target() = default;
    virtual void create(const std::string& ns, const std::vector<std::string>& seed) = 0;
    virtual void drop(const std::string& ns) = 0;
    [[nodiscard]] virtual std::string strata_url(const std::string& ns) const = 0;
    [[nodiscard]] virtual std::string jdbc_url(const std::string& ns) const = 0;
    [[nodiscard]] virtual std::string jdbc_user() const { return {}; }
    [[nodiscard]] virtual std::string jdbc_password() const { return {}; }
    virtual State read(const std::string& ns) = 0;

protected:
    static void read_history(Connection& db, const std::string& table, const std::string& ns,
                             State& state) {
        if (table.empty())
            return;
        state.history.push_back("history table " + table);
        const std::string quote = ns.empty() ? "" : "`"; // MariaDB qualifies and quotes
        ResultSet rows = db.query(
            "SELECT ID, AUTHOR, FILENAME, EXECTYPE, MD5SUM, DESCRIPTION, COMMENTS, TAG, "
            "CONTEXTS, LABELS FROM " +
            (ns.empty() ? "" : ns + ".") + quote + table + quote + " ORDER BY ORDEREXECUTED, ID");
        for (const Row& row : rows.rows) {
            std::string line;
            for (std::size_t c = 0; c < row.size(); ++c)
                line += (c == 0 ? "" : " | ") + upper(rows.columns[c]) + "=" + value(row[c]);
            state.history.push_back(line);
        }
    }
};

class SqliteTarget : public Target {
public:
    explicit SqliteTarget(fs::path dir) : dir_(std::move(dir)) {}

    void create(const std::string& ns, const std::vector<std::string>& seed) override {
        fs::remove(file(ns));
        auto db = open(ns);
        for (const std::string& statement : seed)
            db->execute(statement);
    }
    void drop(const std::string& ns) override { fs::remove(file(ns)); }
    [[nodiscard]] std::string strata_url(const std::string& ns) const override {
        return "sqlite:" + file(ns).string();
    }
    [[nodiscard]] std::string jdbc_url(const std::string& ns) const override {
        return "jdbc:sqlite:" + file(ns).string();
    }

    State read(const std::string& ns) override {
        State state;
        auto db = open(ns);
        ResultSet objects = db->query("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE "
                                      "name NOT LIKE 'sqlite_%' ORDER BY name");
        std::string history_table;
        for (const Row& object : objects.rows) {
            std::string type = value(object[0]), name = value(object[1]);
            std::string sql = value(object[3]);
            if (type == "table" && is_tracking_table(name)) {
                if (lower(name) == "databasechangelog")
                    history_table = name;
                continue;
            }
            std::string quoted = "\"" + replace_all(name, "\"", "\"\"") + "\"";
            if (type == "table") {
                state.schema.insert(fmt::format("table {} autoincrement={} without_rowid={}", name,
                                                contains(upper(sql), "AUTOINCREMENT"),
                                                contains(upper(sql), "WITHOUT ROWID")));
                for (const std::string& check : check_clauses(sql))
                    state.schema.insert(fmt::format("check on {}: {}", name, check));
                read_table(*db, name, quoted, state);
            } else if (type == "view") {
                static const std::regex head(
                    R"(^\s*CREATE\s+(TEMP\s+|TEMPORARY\s+)?VIEW\s+(IF\s+NOT\s+EXISTS\s+)?("[^"]*"|`[^`]*`|\[[^\]]*\]|\S+)\s*(\([^)]*\)\s*)?AS\s+)",
                    std::regex::icase);
                state.schema.insert(fmt::format(
                    "view {} AS {}", name, collapse_spaces(std::regex_replace(sql, head, ""))));
                ResultSet columns = db->query("PRAGMA table_info(" + quoted + ")");
                for (const Row& c : columns.rows)
                    state.schema.insert(
                        fmt::format("view column {}.{} #{}", name, value(c[1]), value(c[0])));
            } else if (type == "trigger") {
                state.schema.insert(fmt::format("trigger {} on {}: {}", name, value(object[2]),
                                                collapse_spaces(sql)));
            }
            // Indexes are read per table (PRAGMA index_list), with their origin.
        }
        read_history(*db, history_table, "", state);
        return state;
    }

private:
    [[nodiscard]] fs::path file(const std::string& ns) const { return dir_ / (ns + ".db"); }

    std::unique_ptr<Connection> open(const std::string& ns) {
        ConnectionSpec spec;
        spec.soci_backend = "sqlite3";
        spec.connect_string = "db=" + file(ns).string();
        spec.display = file(ns).string();
        spec.database_file = file(ns).string();
        auto db = open_connection(spec);
        db->execute("PRAGMA busy_timeout = 60000");
        return db;
    }

    /// The CHECK (...) clauses of a CREATE TABLE text (SQLite has no catalog for them).
    static std::vector<std::string> check_clauses(const std::string& sql) {
        std::vector<std::string> checks;
        std::string text = upper(sql);
        char quote = 0;
        for (std::size_t i = 0; i < text.size(); ++i) {
            char c = text[i];
            if (quote != 0) {
                quote = c == quote ? 0 : quote;
                continue;
            }
            if (c == '\'' || c == '"' || c == '`' || c == '[') {
                quote = c == '[' ? ']' : c;
                continue;
            }
            bool word = text.compare(i, 5, "CHECK") == 0 &&
                        (i == 0 || (std::isalnum(static_cast<unsigned char>(text[i - 1])) == 0 &&
                                    text[i - 1] != '_'));
            if (!word)
                continue;
            std::size_t open = text.find_first_not_of(" \t\r\n", i + 5);
            if (open == std::string::npos || text[open] != '(')
                continue;
            int depth = 0;
            std::size_t end = open;
            for (; end < text.size(); ++end) {
                depth += text[end] == '(' ? 1 : text[end] == ')' ? -1 : 0;
                if (depth == 0)
                    break;
            }
            checks.push_back(collapse_spaces(sql.substr(open, end - open + 1)));
            i = end;
        }
        return checks;
    }

    static void read_table(Connection& db, const std::string& name, const std::string& quoted,
                           State& state) {
        ResultSet columns = db.query("PRAGMA table_xinfo(" + quoted + ")");
        for (const Row& c : columns.rows)
            state.schema.insert(
                fmt::format("column {}.{} #{} type={} notnull={} default={} pk={} hidden={}", name,
                            value(c[1]), value(c[0]), upper(collapse_spaces(value(c[2]))),
                            value(c[3]), value(c[4]), value(c[5]), value(c[6])));
        ResultSet keys = db.query("PRAGMA foreign_key_list(" + quoted + ")");
        std::map<std::string, std::vector<const Row*>> by_id;
        for (const Row& k : keys.rows)
            by_id[value(k[0])].push_back(&k);
        for (const auto& [id, parts] : by_id) {
            std::string from, to;
            for (const Row* p : parts) {
                from += (from.empty() ? "" : ",") + value((*p)[3]);
                to += (to.empty() ? "" : ",") + value((*p)[4]);
            }
            const Row& k = *parts.front();
            state.schema.insert(fmt::format("foreign key {}({}) -> {}({}) on_update={} "
                                            "on_delete={} match={}",
                                            name, from, value(k[2]), to, value(k[5]), value(k[6]),
                                            value(k[7])));
        }
        ResultSet indexes = db.query("PRAGMA index_list(" + quoted + ")");
        for (const Row& index : indexes.rows) {
            std::string index_name = value(index[1]);
            ResultSet parts =
                db.query("PRAGMA index_xinfo(\"" + replace_all(index_name, "\"", "\"\"") + "\")");
            std::string cols;
            for (const Row& p : parts.rows) {
                if (value(p[5]) != "1")
                    continue; // not a key column
                cols += fmt::format("{}{}{} {}", cols.empty() ? "" : ", ", value(p[2]),
                                    value(p[3]) == "1" ? " DESC" : "", value(p[4]));
            }
            std::string origin = value(index[3]);
            // Automatic indexes (origin u / pk) are named by position: compare their shape.
            state.schema.insert(fmt::format("index {} on {} ({}) origin={} unique={} partial={}",
                                            origin == "c" ? index_name : "(automatic)", name, cols,
                                            origin, value(index[2]), value(index[4])));
        }
        // quote() gives each value exactly as stored, with its storage class: 1000 and '1000'
        // differ, and no driver reformats dates.
        std::string list;
        for (const Row& c : columns.rows) {
            std::string column = "\"" + replace_all(value(c[1]), "\"", "\"\"") + "\"";
            list += (list.empty() ? "" : ", ") + ("quote(" + column + ") AS " + column);
        }
        ResultSet rows = db.query("SELECT " + list + " FROM " + quoted);
        for (const Row& row : rows.rows) {
            std::map<std::string, std::string> cells;
            for (std::size_t c = 0; c < row.size(); ++c)
                cells[rows.columns[c]] = value(row[c]);
            std::string line = name + ":";
            for (const auto& [column, cell] : cells)
                line += " " + column + "=" + cell;
            state.data.insert(mask_now(line));
        }
    }

    fs::path dir_;
};

class PostgresTarget : public Target {
public:
    explicit PostgresTarget(std::string base) : base_(std::move(base)), server_(*parse_url(base_)) {
        ConnectionSpec spec;
        spec.soci_backend = "postgresql";
        spec.connect_string = fmt::format(
            "host={} port={} dbname={} user={} password={} sslmode=disable", server_.host,
            server_.port, server_.database, server_.user, server_.password);
        spec.display = "postgresql admin";
        admin_ = open_connection(spec);
        admin_->execute("SET client_min_messages TO warning");
    }

    void create(const std::string& ns, const std::vector<std::string>& seed) override {
        admin_->execute("DROP SCHEMA IF EXISTS " + ns + " CASCADE");
        admin_->execute("CREATE SCHEMA " + ns);
        admin_->execute("SET search_path TO " + ns);
        for (const std::string& statement : seed)
            admin_->execute(statement);
        admin_->execute("SET search_path TO public");
    }
    void drop(const std::string& ns) override {
        admin_->execute("DROP SCHEMA IF EXISTS " + ns + " CASCADE");
    }
    [[nodiscard]] std::string strata_url(const std::string& ns) const override {
        return base_ + (contains(base_, "?") ? "&" : "?") + "currentSchema=" + ns;
    }
    [[nodiscard]] std::string jdbc_url(const std::string& ns) const override {
        return fmt::format("jdbc:postgresql://{}:{}/{}?currentSchema={}", server_.host,
                           server_.port, server_.database, ns);
    }
    [[nodiscard]] std::string jdbc_user() const override { return server_.user; }
    [[nodiscard]] std::string jdbc_password() const override { return server_.password; }

    State read(const std::string& ns) override {
        State state;
        Connection& db = *admin_;
        // Names print unqualified when their schema is on the search path.
        db.execute("SET search_path TO " + ns);
        auto add = [&](const std::string& line) {
            state.schema.insert(replace_all(line, ns + ".", ""));
        };
        const std::string in_ns = "n.nspname = '" + ns + "'";
        std::string history_table;
        ResultSet relations =
            db.query("SELECT c.relname::text, c.relkind::text, obj_description(c.oid, 'pg_class'), "
                     "CASE WHEN c.relkind IN ('v','m') THEN pg_get_viewdef(c.oid) END, "
                     "c.relpersistence::text FROM pg_class c JOIN pg_namespace n ON n.oid = "
                     "c.relnamespace WHERE " +
                     in_ns + " AND c.relkind IN ('r','p','v','m','f')");
        std::vector<std::string> tables;
        for (const Row& r : relations.rows) {
            std::string name = value(r[0]), kind = value(r[1]);
            if (is_tracking_table(name)) {
                if (lower(name) == "databasechangelog")
                    history_table = name;
                continue;
            }
            if (kind == "v" || kind == "m")
                add(fmt::format("view {} kind={} comment={} AS {}", name, kind, value(r[2]),
                                collapse_spaces(value(r[3]))));
            else {
                add(fmt::format("table {} kind={} persistence={} comment={}", name, kind,
                                value(r[4]), value(r[2])));
                tables.push_back(name);
            }
        }
        ResultSet columns = db.query(
            "SELECT c.relname::text, a.attname::text, format_type(a.atttypid, a.atttypmod), "
            "a.attnotnull::text, "
            "pg_get_expr(d.adbin, d.adrelid), a.attidentity::text, a.attgenerated::text, "
            "col_description(c.oid, a.attnum), co.collname::text, "
            "(row_number() OVER (PARTITION BY c.oid ORDER BY a.attnum))::text "
            "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
            "LEFT JOIN pg_collation co ON co.oid = a.attcollation AND a.attcollation <> "
            "(SELECT oid FROM pg_collation WHERE collname = 'default') WHERE " +
            in_ns +
            " AND c.relkind IN ('r','p','v','m','f') AND a.attnum > 0 AND NOT a.attisdropped");
        for (const Row& c : columns.rows) {
            if (is_tracking_table(value(c[0])))
                continue;
            add(fmt::format("column {}.{} #{} type={} notnull={} default={} identity={} "
                            "generated={} comment={} collation={}",
                            value(c[0]), value(c[1]), value(c[9]), value(c[2]), value(c[3]),
                            value(c[4]), value(c[5]), value(c[6]), value(c[7]), value(c[8])));
        }
        ResultSet constraints =
            db.query("SELECT c.relname::text, con.conname::text, con.contype::text, "
                     "pg_get_constraintdef(con.oid) "
                     "FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid "
                     "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE " +
                     in_ns);
        for (const Row& k : constraints.rows)
            if (!is_tracking_table(value(k[0])))
                add(fmt::format("constraint {} on {} type={}: {}", value(k[1]), value(k[0]),
                                value(k[2]), value(k[3])));
        ResultSet indexes =
            db.query("SELECT tablename::text, indexname::text, indexdef FROM pg_indexes "
                     "WHERE schemaname = '" +
                     ns + "'");
        for (const Row& i : indexes.rows)
            if (!is_tracking_table(value(i[0])))
                add(fmt::format("index {} on {}: {}", value(i[1]), value(i[0]), value(i[2])));
        ResultSet sequences = db.query(
            "SELECT sequencename::text, data_type::text, start_value::text, min_value::text, "
            "max_value::text, increment_by::text, cycle::text, cache_size::text FROM pg_sequences "
            "WHERE schemaname = '" +
            ns + "'");
        for (const Row& s : sequences.rows)
            add(fmt::format("sequence {} type={} start={} min={} max={} increment={} cycle={} "
                            "cache={}",
                            value(s[0]), value(s[1]), value(s[2]), value(s[3]), value(s[4]),
                            value(s[5]), value(s[6]), value(s[7])));
        ResultSet owned = db.query(
            "SELECT s.relname::text, t.relname::text, a.attname::text, d.deptype::text "
            "FROM pg_depend d "
            "JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S' "
            "JOIN pg_class t ON t.oid = d.refobjid "
            "JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid "
            "JOIN pg_namespace n ON n.oid = s.relnamespace "
            "WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass AND " +
            in_ns);
        for (const Row& o : owned.rows)
            add(fmt::format("sequence {} owned by {}.{} deptype={}", value(o[0]), value(o[1]),
                            value(o[2]), value(o[3])));
        ResultSet routines = db.query(
            "SELECT p.proname::text, pg_get_function_identity_arguments(p.oid), p.prokind::text "
            "FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE " +
            in_ns);
        for (const Row& p : routines.rows)
            add(fmt::format("routine {}({}) kind={}", value(p[0]), value(p[1]), value(p[2])));
        ResultSet triggers = db.query(
            "SELECT c.relname::text, t.tgname::text, pg_get_triggerdef(t.oid) FROM pg_trigger t "
            "JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE NOT t.tgisinternal AND " +
            in_ns);
        for (const Row& t : triggers.rows)
            add(fmt::format("trigger {} on {}: {}", value(t[1]), value(t[0]), value(t[2])));
        ResultSet types = db.query(
            "SELECT t.typname::text, t.typtype::text FROM pg_type t JOIN pg_namespace n ON n.oid = "
            "t.typnamespace WHERE " +
            in_ns +
            " AND (t.typtype IN ('e','d') OR (t.typtype = 'c' AND "
            "(SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c'))");
        for (const Row& t : types.rows)
            add(fmt::format("type {} kind={}", value(t[0]), value(t[1])));
        for (const std::string& table : tables) {
            ResultSet rows = db.query("SELECT row_to_json(x)::text FROM \"" + table + "\" x");
            for (const Row& row : rows.rows) {
                // One JSON object a row; keys in sorted order so column order is not data.
                std::string json = value(row[0]);
                state.data.insert(mask_now(table + ": " + json));
            }
        }
        read_history(db, history_table, "", state);
        db.execute("SET search_path TO public");
        return state;
    }

private:
    std::string base_;
    ServerUrl server_;
    std::unique_ptr<Connection> admin_;
};

class MariadbTarget : public Target {
public:
    explicit MariadbTarget(std::string base) : base_(std::move(base)), server_(*parse_url(base_)) {
        ConnectionSpec spec;
        spec.soci_backend = "mysql";
        spec.connect_string =
            fmt::format("host={} port={} db={} user={} password={}", server_.host, server_.port,
                        server_.database, server_.user, server_.password);
        spec.display = "mariadb admin";
        admin_ = open_connection(spec);
    }

    void create(const std::string& ns, const std::vector<std::string>& seed) override {
        admin_->execute("DROP DATABASE IF EXISTS " + ns);
        admin_->execute("CREATE DATABASE " + ns);
        admin_->execute("USE " + ns);
        for (const std::string& statement : seed)
            admin_->execute(statement);
        admin_->execute("USE " + server_.database);
    }
    void drop(const std::string& ns) override { admin_->execute("DROP DATABASE IF EXISTS " + ns); }
    [[nodiscard]] std::string strata_url(const std::string& ns) const override {
        return fmt::format("mysql://{}:{}@{}:{}/{}{}", server_.user, server_.password, server_.host,
                           server_.port, ns, server_.query);
    }
    [[nodiscard]] std::string jdbc_url(const std::string& ns) const override {
        return fmt::format("jdbc:mariadb://{}:{}/{}", server_.host, server_.port, ns);
    }
    [[nodiscard]] std::string jdbc_user() const override { return server_.user; }
    [[nodiscard]] std::string jdbc_password() const override { return server_.password; }

    State read(const std::string& ns) override {
        State state;
        Connection& db = *admin_;
        auto add = [&](const std::string& line) {
            state.schema.insert(replace_all(replace_all(line, "`" + ns + "`.", ""), ns + ".", ""));
        };
        const std::string where = "'" + ns + "'";
        std::string history_table;
        std::vector<std::string> tables;
        ResultSet relations = db.query("SELECT table_name, table_type, engine, table_collation, "
                                       "table_comment FROM information_schema.tables WHERE "
                                       "table_schema = " +
                                       where);
        for (const Row& r : relations.rows) {
            std::string name = value(r[0]), type = value(r[1]);
            if (is_tracking_table(name)) {
                if (lower(name) == "databasechangelog")
                    history_table = name;
                continue;
            }
            add(fmt::format("relation {} type={} engine={} collation={} comment={}", name, type,
                            value(r[2]), value(r[3]), value(r[4])));
            if (type != "VIEW")
                tables.push_back(name);
        }
        ResultSet columns =
            db.query("SELECT table_name, column_name, ordinal_position, column_type, is_nullable, "
                     "column_default, extra, column_comment, collation_name, generation_expression "
                     "FROM information_schema.columns WHERE table_schema = " +
                     where);
        for (const Row& c : columns.rows)
            if (!is_tracking_table(value(c[0])))
                add(fmt::format("column {}.{} #{} type={} nullable={} default={} extra={} "
                                "comment={} collation={} generated={}",
                                value(c[0]), value(c[1]), value(c[2]), value(c[3]), value(c[4]),
                                value(c[5]), value(c[6]), value(c[7]), value(c[8]), value(c[9])));
        // Constraints with their columns (in order) and, for foreign keys, target and actions.
        std::map<std::string, std::string> rules;
        ResultSet referential =
            db.query("SELECT table_name, constraint_name, update_rule, delete_rule FROM "
                     "information_schema.referential_constraints WHERE constraint_schema = " +
                     where);
        for (const Row& r : referential.rows)
            rules[value(r[0]) + "." + value(r[1])] =
                fmt::format(" on_update={} on_delete={}", value(r[2]), value(r[3]));
        std::map<std::string, std::vector<std::string>> key_columns;
        ResultSet usage =
            db.query("SELECT table_name, constraint_name, column_name, referenced_table_name, "
                     "referenced_column_name FROM information_schema.key_column_usage WHERE "
                     "table_schema = " +
                     where + " ORDER BY table_name, constraint_name, ordinal_position");
        for (const Row& u : usage.rows) {
            std::string target = u[3] ? "->" + value(u[3]) + "." + value(u[4]) : "";
            key_columns[value(u[0]) + "." + value(u[1])].push_back(value(u[2]) + target);
        }
        ResultSet constraints =
            db.query("SELECT table_name, constraint_name, constraint_type FROM "
                     "information_schema.table_constraints WHERE table_schema = " +
                     where);
        for (const Row& k : constraints.rows) {
            if (is_tracking_table(value(k[0])))
                continue;
            std::string key = value(k[0]) + "." + value(k[1]);
            std::string cols;
            for (const std::string& c : key_columns[key])
                cols += (cols.empty() ? "" : ",") + c;
            add(fmt::format("constraint {} on {} type={} ({}){}", value(k[1]), value(k[0]),
                            value(k[2]), cols, rules[key]));
        }
        ResultSet checks =
            db.query("SELECT table_name, constraint_name, check_clause FROM "
                     "information_schema.check_constraints WHERE constraint_schema = " +
                     where);
        for (const Row& c : checks.rows)
            add(fmt::format("check {} on {}: {}", value(c[1]), value(c[0]), value(c[2])));
        std::map<std::string, std::string> index_cols;
        std::map<std::string, std::string> index_info;
        ResultSet statistics = db.query(
            "SELECT table_name, index_name, non_unique, column_name, sub_part, index_type, "
            "collation, index_comment FROM information_schema.statistics WHERE table_schema = " +
            where + " ORDER BY table_name, index_name, seq_in_index");
        for (const Row& s : statistics.rows) {
            if (is_tracking_table(value(s[0])))
                continue;
            std::string key = value(s[1]) + " on " + value(s[0]);
            std::string& cols = index_cols[key];
            cols += (cols.empty() ? "" : ", ") + value(s[3]) +
                    (s[4] ? "(" + value(s[4]) + ")" : "") + (value(s[6]) == "D" ? " DESC" : "");
            index_info[key] = fmt::format("non_unique={} type={} comment={}", value(s[2]),
                                          value(s[5]), value(s[7]));
        }
        for (const auto& [key, cols] : index_cols)
            add(fmt::format("index {} ({}) {}", key, cols, index_info[key]));
        ResultSet views = db.query("SELECT table_name, view_definition FROM "
                                   "information_schema.views WHERE table_schema = " +
                                   where);
        for (const Row& v : views.rows)
            add(fmt::format("view {} AS {}", value(v[0]), collapse_spaces(value(v[1]))));
        ResultSet routines = db.query("SELECT routine_name, routine_type FROM "
                                      "information_schema.routines WHERE routine_schema = " +
                                      where);
        for (const Row& r : routines.rows)
            add(fmt::format("routine {} type={}", value(r[0]), value(r[1])));
        ResultSet triggers = db.query(
            "SELECT trigger_name, event_object_table, action_timing, event_manipulation FROM "
            "information_schema.triggers WHERE trigger_schema = " +
            where);
        for (const Row& t : triggers.rows)
            add(fmt::format("trigger {} on {} {} {}", value(t[0]), value(t[1]), value(t[2]),
                            value(t[3])));
        // Binary and bit values read as hex: the client library has no text form for them.
        std::map<std::string, std::vector<std::string>> selected;
        ResultSet types = db.query("SELECT table_name, column_name, data_type FROM "
                                   "information_schema.columns WHERE table_schema = " +
                                   where + " ORDER BY table_name, ordinal_position");
        for (const Row& t : types.rows) {
            std::string column = "`" + value(t[1]) + "`";
            std::string type = lower(value(t[2]));
            bool binary = type == "bit" || contains(type, "blob") || contains(type, "binary") ||
                          type == "geometry" || type == "point";
            selected[value(t[0])].push_back(binary ? "HEX(" + column + ") AS " + column : column);
        }
        for (const std::string& table : tables) {
            std::string list;
            for (const std::string& column : selected[table])
                list += (list.empty() ? "" : ", ") + column;
            ResultSet rows = db.query("SELECT " + (list.empty() ? std::string("*") : list) +
                                      " FROM `" + ns + "`.`" + table + "`");
            for (const Row& row : rows.rows) {
                std::map<std::string, std::string> cells;
                for (std::size_t c = 0; c < row.size(); ++c)
                    cells[rows.columns[c]] = value(row[c]);
                std::string line = table + ":";
                for (const auto& [column, cell] : cells)
                    line += " " + column + "=" + cell;
                state.data.insert(mask_now(line));
            }
        }
        read_history(db, history_table, "`" + ns + "`", state);
        return state;
    }

private:
    std::string base_;
    ServerUrl server_;
    std::unique_ptr<Connection> admin_;
};

// ------------------------------------------------------------------------------------------
// The changelogs.

using Case = HarnessCase;

// ------------------------------------------------------------------------------------------
// The allow-list: `db changelog aspect  # bug: …` or `# deliberate: …`.

struct AllowEntry {
    std::string db, changelog, aspect, reason;
    int line = 0;
};

const std::set<std::string> kDatabases{"sqlite", "postgresql", "mariadb"};
const std::set<std::string> kAspects{"update",   "history",           "schema", "data", "rollback",
                                     "restored", "liquibase-restored"};

std::vector<AllowEntry> read_allow_list(std::vector<std::string>& errors) {
    std::vector<AllowEntry> entries;
    std::ifstream in(kAllowList);
    if (!in)
        errors.push_back("cannot read " + kAllowList.string());
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
        ++number;
        std::string text = trim(line);
        if (text.empty() || text[0] == '#')
            continue;
        std::size_t hash = text.find('#');
        std::string reason = hash == std::string::npos ? "" : trim(text.substr(hash + 1));
        std::istringstream fields(text.substr(0, hash));
        AllowEntry entry;
        entry.line = number;
        entry.reason = reason;
        std::string extra;
        fields >> entry.db >> entry.changelog >> entry.aspect >> extra;
        if (entry.aspect.empty() || !extra.empty())
            errors.push_back(fmt::format("allow-list.txt:{}: expected `db changelog aspect  # "
                                         "bug|deliberate: reason`",
                                         number));
        else if (kDatabases.count(entry.db) == 0 || kAspects.count(entry.aspect) == 0)
            errors.push_back(fmt::format("allow-list.txt:{}: unknown database or aspect", number));
        else if (reason.rfind("bug:", 0) != 0 && reason.rfind("deliberate:", 0) != 0)
            errors.push_back(fmt::format("allow-list.txt:{}: the reason must start with `bug:` or "
                                         "`deliberate:` and say what differs",
                                         number));
        else
            entries.push_back(entry);
    }
    return entries;
}

// ------------------------------------------------------------------------------------------
// Running both tools.

std::string env(const char* name) {
    const char* text = std::getenv(name);
    return text == nullptr ? std::string() : std::string(text);
}

bool allow_missing() {
    return env("STRATA_TEST_ALLOW_MISSING_SERVERS") == "1";
}

struct Outcome {
    bool ok = false;
    std::string message;
};

struct CaseRun {
    Case c;
    std::string lb_ns, st_ns;
    Outcome lb_update, st_update, lb_rollback, st_rollback;
    State lb_after, st_after, lb_back, st_back;
};

class Harness {
public:
    Harness(std::string db, std::unique_ptr<Target> target, fs::path work, std::string launcher)
        : db_(std::move(db)), target_(std::move(target)), work_(std::move(work)),
          launcher_(std::move(launcher)) {}

    /// Runs one Liquibase command over every run in one JVM; fills one outcome per job.
    void liquibase_batch(const std::string& command, std::vector<CaseRun>& runs,
                         const std::vector<std::size_t>& counts, bool rollback) {
        std::string error;
        std::vector<std::size_t> jobs;
        std::string lines;
        for (std::size_t i = 0; i < runs.size(); ++i) {
            if (rollback && counts[i] == 0) {
                runs[i].lb_rollback = {true, "nothing to roll back"};
                continue;
            }
            jobs.push_back(i);
            lines +=
                fmt::format("{}\t{}\t{}\t{}\t{}\t{}\t{}\n", command, runs[i].c.dir.string(),
                            runs[i].c.file, target_->jdbc_url(runs[i].lb_ns), target_->jdbc_user(),
                            target_->jdbc_password(), rollback ? counts[i] : 0);
        }
        std::vector<std::string> results =
            run_liquibase_driver(launcher_, lines, work_ / command, error);
        if (error.empty() && results.size() != jobs.size())
            error = fmt::format("the Liquibase driver stopped after {} of {} jobs", results.size(),
                                jobs.size());
        for (std::size_t j = 0; j < jobs.size(); ++j) {
            Outcome outcome;
            if (j < results.size()) {
                outcome.ok = results[j] == "OK";
                outcome.message = outcome.ok ? "" : results[j].substr(6);
            } else {
                outcome.message = "not run: " + error;
            }
            (rollback ? runs[jobs[j]].lb_rollback : runs[jobs[j]].lb_update) = outcome;
        }
        if (!error.empty())
            ADD_FAILURE() << db_ << ": " << error;
    }

    Outcome strata(const CaseRun& run, const std::vector<std::string>& command) {
        std::vector<std::string> args{"--changelog-file=" + run.c.file,
                                      "--url=" + target_->strata_url(run.st_ns)};
        args.insert(args.end(), command.begin(), command.end());
        CommandResult result = run_strata(args, run.c.dir);
        std::string message = trim(result.err.empty() ? result.out : result.err);
        return {result.exit_code == 0,
                result.exit_code == 0 ? "" : fmt::format("exit {}: {}", result.exit_code, message)};
    }

    State read(const std::string& ns) {
        try {
            return target_->read(ns);
        } catch (const std::exception& e) {
            State state;
            state.error = e.what();
            state.schema.insert(std::string("(cannot read the catalogs: ") + e.what() + ")");
            return state;
        }
    }

    std::vector<CaseRun> run_all(const std::vector<Case>& cases) {
        std::vector<CaseRun> runs;
        for (std::size_t i = 0; i < cases.size(); ++i) {
            CaseRun run;
            run.c = cases[i];
            run.lb_ns = name(fmt::format("{}_lb", i));
            run.st_ns = name(fmt::format("{}_st", i));
            std::vector<std::string> seed = run.c.seeded ? seed_ : std::vector<std::string>{};
            target_->create(run.lb_ns, seed);
            target_->create(run.st_ns, seed);
            runs.push_back(std::move(run));
        }
        // Liquibase's JVM works while strata's runs go one by one.
        auto lb =
            std::async(std::launch::async, [&] { liquibase_batch("update", runs, {}, false); });
        for (CaseRun& run : runs)
            run.st_update = strata(run, {"update"});
        lb.get();
        std::vector<std::size_t> lb_counts, st_counts;
        for (CaseRun& run : runs) {
            run.lb_after = read(run.lb_ns);
            run.st_after = read(run.st_ns);
            lb_counts.push_back(run.lb_after.history_rows());
            st_counts.push_back(run.st_after.history_rows());
        }
        auto lb_back = std::async(std::launch::async,
                                  [&] { liquibase_batch("rollbackCount", runs, lb_counts, true); });
        for (std::size_t i = 0; i < runs.size(); ++i)
            runs[i].st_rollback =
                st_counts[i] == 0
                    ? Outcome{true, "nothing to roll back"}
                    : strata(runs[i], {"rollback-count", fmt::format("--count={}", st_counts[i])});
        lb_back.get();
        for (CaseRun& run : runs) {
            run.lb_back = read(run.lb_ns);
            run.st_back = read(run.st_ns);
            target_->drop(run.lb_ns);
            target_->drop(run.st_ns);
        }
        return runs;
    }

    void prepare_baselines() {
        seed_ = seed_statements(db_);
        std::string ns = name("seed");
        target_->create(ns, seed_);
        seeded_ = read(ns);
        target_->create(ns, {});
        empty_ = read(ns);
        target_->drop(ns);
        ASSERT_TRUE(seeded_.error.empty()) << seeded_.error;
        ASSERT_GE(seeded_.data.size(), 10u) << "the seed schema did not load";
    }

    const State& baseline(const Case& c) const { return c.seeded ? seeded_ : empty_; }

private:
    /// A namespace name: the MariaDB user may create only strata_test* databases, and no run
    /// of three digits, letters and two digits (modifySql.xml's regExpReplace rewrites those).
    [[nodiscard]] std::string name(const std::string& what) const {
        return fmt::format("strata_test_h_{}_{}_p{}", db_.substr(0, 2), what,
                           static_cast<long>(getpid()));
    }

    std::string db_;
    std::unique_ptr<Target> target_;
    fs::path work_;
    std::string launcher_;
    std::vector<std::string> seed_;
    State seeded_, empty_;
};

/// The differences of one run: aspect -> detail.
std::map<std::string, std::string> differences(const CaseRun& run, const State& baseline) {
    std::map<std::string, std::string> found;
    auto outcome = [](const Outcome& o) { return o.ok ? std::string("succeeded") : "failed"; };
    if (run.lb_update.ok != run.st_update.ok)
        found["update"] =
            fmt::format("    liquibase {}{}\n    strata {}{}\n", outcome(run.lb_update),
                        run.lb_update.ok ? "" : ": " + run.lb_update.message.substr(0, 400),
                        outcome(run.st_update),
                        run.st_update.ok ? "" : ": " + run.st_update.message.substr(0, 400));
    if (run.lb_after.history != run.st_after.history)
        found["history"] = history_diff(run.lb_after.history, run.st_after.history);
    if (run.lb_after.schema != run.st_after.schema)
        found["schema"] = set_diff(run.lb_after.schema, run.st_after.schema);
    if (run.lb_after.data != run.st_after.data)
        found["data"] = set_diff(run.lb_after.data, run.st_after.data);
    if (run.lb_rollback.ok != run.st_rollback.ok)
        found["rollback"] =
            fmt::format("    liquibase {}{}\n    strata {}{}\n", outcome(run.lb_rollback),
                        run.lb_rollback.ok ? "" : ": " + run.lb_rollback.message.substr(0, 400),
                        outcome(run.st_rollback),
                        run.st_rollback.ok ? "" : ": " + run.st_rollback.message.substr(0, 400));
    auto same = [](const State& a, const State& b) {
        return a.schema == b.schema && a.data == b.data && a.history_rows() == b.history_rows();
    };
    auto describe = [](const State& expected, const State& actual) {
        std::string out =
            set_diff(expected.schema, actual.schema) + set_diff(expected.data, actual.data);
        if (expected.history_rows() != actual.history_rows())
            out += fmt::format("    history rows left: {} (expected {})\n", actual.history_rows(),
                               expected.history_rows());
        return replace_all(replace_all(out, "liquibase only:", "expected only:"),
                           "strata only:   ", "found only:   ");
    };
    bool lb_restored = same(run.lb_back, baseline);
    // strata must get back to the seed; where Liquibase itself cannot, ending where Liquibase
    // ends is no difference either.
    if (!same(run.st_back, baseline) && (lb_restored || !same(run.st_back, run.lb_back)))
        found["restored"] = describe(baseline, run.st_back);
    if (!lb_restored)
        found["liquibase-restored"] = describe(baseline, run.lb_back);
    return found;
}

std::string database_name(const ::testing::TestParamInfo<std::string>& param) {
    return param.param;
}

class DifferentialHarness : public ::testing::TestWithParam<std::string> {};

TEST_P(DifferentialHarness, StrataMatchesLiquibase) {
    const std::string& param = GetParam();
    const bool project_only = param.rfind("project_", 0) == 0;
    const std::string db = project_only ? param.substr(8) : param;
    auto started = Clock::now();

    std::string launcher = env("STRATA_LIQUIBASE");
    if (launcher.empty() || !fs::exists(launcher)) {
        if (allow_missing())
            GTEST_SKIP() << "STRATA_LIQUIBASE is not set: the differential harness is SKIPPED "
                            "(STRATA_TEST_ALLOW_MISSING_SERVERS=1)";
        FAIL() << "STRATA_LIQUIBASE is not set to the Liquibase launcher; run scripts/test.sh, "
                  "which fetches Liquibase 4.28 with tests/interop/setup_liquibase.sh";
    }
    TempDir work;
    std::unique_ptr<Target> target;
    if (db == "sqlite") {
        target = std::make_unique<SqliteTarget>(work.path());
    } else {
        const char* variable = db == "postgresql" ? "STRATA_TEST_PG_URL" : "STRATA_TEST_MYSQL_URL";
        std::string url = env(variable);
        if (url.empty()) {
            if (allow_missing())
                GTEST_SKIP() << variable << " is not set: the " << db
                             << " harness is SKIPPED (STRATA_TEST_ALLOW_MISSING_SERVERS=1)";
            FAIL() << variable << " is not set, so the " << db
                   << " harness cannot run. scripts/test.sh starts the servers; "
                      "STRATA_TEST_ALLOW_MISSING_SERVERS=1 skips on purpose.";
        }
        ASSERT_TRUE(parse_url(url)) << "unexpected " << variable;
        if (db == "postgresql")
            target = std::make_unique<PostgresTarget>(url);
        else
            target = std::make_unique<MariadbTarget>(url);
    }

    Harness harness(db, std::move(target), work.path(), launcher);
    harness.prepare_baselines();
    if (HasFatalFailure())
        return;
    // The harness's changelogs, and apart (project_<db>) the project's own.
    std::vector<Case> cases = project_only ? project_cases() : harness_cases(db);
    ASSERT_FALSE(cases.empty());
    std::vector<CaseRun> runs = harness.run_all(cases);

    std::vector<std::string> errors;
    std::vector<AllowEntry> allow = read_allow_list(errors);
    for (const std::string& e : errors)
        ADD_FAILURE() << e;
    std::set<int> used;
    std::size_t identical = 0;
    std::string unexpected, allowed;
    std::string outcomes;
    auto brief = [](const Outcome& o) {
        return o.ok ? std::string("ok")
                    : "FAILED (" + collapse_spaces(o.message).substr(0, 160) + ")";
    };
    for (const CaseRun& run : runs) {
        outcomes += fmt::format(
            "  {}: update liquibase {}, strata {}; rollback-count liquibase {}, strata {}\n",
            run.c.name, brief(run.lb_update), brief(run.st_update), brief(run.lb_rollback),
            brief(run.st_rollback));
        auto found = differences(run, harness.baseline(run.c));
        bool same = true;
        for (const auto& [aspect, detail] : found) {
            if (aspect != "liquibase-restored")
                same = false;
            auto entry = std::find_if(allow.begin(), allow.end(), [&](const AllowEntry& e) {
                return e.db == db && e.changelog == run.c.name && e.aspect == aspect;
            });
            std::string text = fmt::format("{} {} {}\n{}", db, run.c.name, aspect, detail);
            if (entry == allow.end()) {
                unexpected += text;
            } else {
                used.insert(entry->line);
                allowed += fmt::format("{} {} {}  # {}\n", db, run.c.name, aspect, entry->reason);
            }
        }
        identical += same ? 1 : 0;
    }
    // An entry of this test (database, and harness or project changelogs: a project
    // changelog is named by its path) that matched nothing is stale, a misspelt one too.
    std::string stale;
    for (const AllowEntry& e : allow)
        if (e.db == db && contains(e.changelog, "/") == project_only && used.count(e.line) == 0)
            stale += fmt::format("allow-list.txt:{}: {} {} {} no longer differs: remove it\n",
                                 e.line, e.db, e.changelog, e.aspect);

    double seconds = std::chrono::duration<double>(Clock::now() - started).count();
    std::cout << "outcomes (" << param << "):\n" << outcomes;
    std::cout << "allowed differences (" << param << "):\n" << allowed;
    std::cout << fmt::format("harness {}{}: {}/{} identical ({:.0f} s)\n", db,
                             project_only ? " (project changelogs)" : "", identical, runs.size(),
                             seconds);
    EXPECT_TRUE(unexpected.empty())
        << "differences from Liquibase 4.28 not in tests/harness/allow-list.txt (add an entry "
           "`db changelog aspect  # bug: ...` or fix strata):\n"
        << unexpected;
    EXPECT_TRUE(stale.empty()) << stale;
    ASSERT_FALSE(HasFailure()) << "see " << work.path() << " (kept only while the test runs)";
}

INSTANTIATE_TEST_SUITE_P(Databases, DifferentialHarness,
                         ::testing::Values("sqlite", "postgresql", "mariadb", "project_sqlite",
                                           "project_postgresql", "project_mariadb"),
                         database_name);

} // namespace
} // namespace strata::test
