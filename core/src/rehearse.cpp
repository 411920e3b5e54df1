// SPDX-License-Identifier: Apache-2.0
#include "strata/core/rehearse.hpp"

#include "snapshot/scratch_place.hpp"
#include "strata/core/diff_changelog.hpp"
#include "strata/text.hpp"

#include <algorithm>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <thread>

namespace strata {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// What lint writes, down to the mode a lock report names: "SHARE ROW EXCLUSIVE on both
// tables" -> "SHARE ROW EXCLUSIVE", "exclusive metadata lock + LOCK=SHARED" -> "exclusive
// metadata lock", "... at the start and the end, LOCK=NONE" likewise.
std::string lock_mode(const std::string& predicted) {
    std::size_t end = predicted.size();
    for (const char* tail : {" on ", " + ", " at ", ","})
        end = std::min(end, predicted.find(tail));
    return to_lower(trim(predicted.substr(0, end)));
}

bool blocks_writes(const std::string& mode) {
    std::string lower = to_lower(mode);
    return lower == "access exclusive" || lower == "exclusive" || lower == "share row exclusive" ||
           lower == "share" || lower.starts_with("exclusive ") ||
           lower.find("no write") != std::string::npos ||
           lower.find("no read write") != std::string::npos;
}

void add_lock(std::vector<lint::HeldLock>& locks, lint::HeldLock lock) {
    bool known = std::any_of(locks.begin(), locks.end(), [&](const lint::HeldLock& held) {
        return held.table == lock.table && held.mode == lock.mode;
    });
    if (!known)
        locks.push_back(std::move(lock));
}

// The tables a changeset names (tableName, baseTableName, ...) and those lint found it
// touching (raw SQL names none): what the synthetic load queries while it runs.
std::vector<std::string> touched_tables(const ChangeSet& changeset, const LintReport& predicted) {
    std::set<std::string> seen;
    std::vector<std::string> tables;
    auto add = [&](const std::string& table) {
        if (!table.empty() && seen.insert(lint::table_key(table)).second)
            tables.push_back(table);
    };
    for (const Change& change : changeset.changes)
        for (const char* key : {"tableName", "baseTableName", "referencedTableName"})
            if (const std::string* table = change.get(key))
                add(*table);
    for (const LintEntry& entry : predicted.entries)
        if (entry.changeset == changeset.identifier())
            add(entry.finding.table);
    return tables;
}

// The target's tables, each after those its foreign keys reference (a cycle is broken where
// it closes), so that a copied row finds the rows it references already there.
std::vector<const snapshot::Table*> referenced_first(const snapshot::Schema& schema) {
    std::map<std::string, const snapshot::Table*> by_name;
    for (const snapshot::Table& table : schema.tables)
        by_name[lint::table_key(table.name)] = &table;
    std::vector<const snapshot::Table*> order;
    std::set<std::string> placed;
    std::set<std::string> visiting;
    auto visit = [&](auto&& self, const snapshot::Table& table) -> void {
        std::string key = lint::table_key(table.name);
        if (placed.contains(key) || !visiting.insert(key).second)
            return;
        for (const snapshot::ForeignKey& fk : table.foreign_keys)
            if (auto found = by_name.find(lint::table_key(fk.referenced_table));
                found != by_name.end())
                self(self, *found->second);
        placed.insert(key);
        order.push_back(&table);
    };
    for (const snapshot::Table& table : schema.tables)
        visit(visit, table);
    return order;
}

// Up to `limit` rows of `table` from the target into the clone, as literals (each database
// converts a quoted literal to the column's type). A chunk the clone refuses is inserted row
// by row, skipping the rows it refuses. Returns the rows copied.
long long copy_sample(Database& target, Database& clone, const snapshot::Table& table, int limit,
                      std::vector<std::string>& notes) {
    if (table.columns.empty())
        return 0;
    std::string selected;
    std::string inserted;
    for (const snapshot::Column& column : table.columns) {
        selected += (selected.empty() ? "" : ", ") + target.dialect().quote_identifier(column.name);
        inserted += (inserted.empty() ? "" : ", ") + clone.dialect().quote_identifier(column.name);
    }
    ResultSet rows = target.connection().query(
        fmt::format("SELECT {} FROM {} LIMIT {}", selected,
                    target.dialect().quote_identifier(table.name), limit));
    const std::string insert = fmt::format("INSERT INTO {} ({}) VALUES ",
                                           clone.dialect().quote_identifier(table.name), inserted);
    std::vector<std::string> values;
    values.reserve(rows.rows.size());
    for (const Row& row : rows.rows) {
        std::string tuple;
        for (const std::optional<std::string>& value : row)
            tuple += (tuple.empty() ? "(" : ", ") +
                     (value ? clone.dialect().quote_literal(*value) : std::string("NULL"));
        values.push_back(tuple + ")");
    }
    constexpr std::size_t kChunk = 200;
    long long copied = 0;
    long long refused = 0;
    std::string first_error;
    for (std::size_t from = 0; from < values.size(); from += kChunk) {
        std::size_t to = std::min(values.size(), from + kChunk);
        std::string chunk;
        for (std::size_t i = from; i < to; ++i)
            chunk += (i == from ? "" : ", ") + values[i];
        try {
            clone.connection().execute(insert + chunk);
            copied += static_cast<long long>(to - from);
            continue;
        } catch (const Error&) {
            // one row of the chunk is refused: find it, keep the others
        }
        for (std::size_t i = from; i < to; ++i) {
            try {
                clone.connection().execute(insert + values[i]);
                ++copied;
            } catch (const Error& error) {
                ++refused;
                if (first_error.empty())
                    first_error = error.what();
            }
        }
    }
    if (refused > 0)
        notes.push_back(fmt::format("{}: {} of {} rows refused by the clone, first: {}", table.name,
                                    refused, values.size(),
                                    first_error.substr(0, first_error.find('\n'))));
    return copied;
}

// A small application on a second session of the clone while the changesets run: it reads
// and writes (an UPDATE that matches nothing, which still takes the table's write lock) the
// tables of the current changeset again and again, timing each query, and samples the locks
// the migration's session holds or waits for. As each changeset starts it holds a short read
// transaction on its tables, as an application would: a changeset whose lock conflicts with
// reads then waits a moment, long enough for its lock to be seen even where a DDL holds it
// only for its own few milliseconds (MariaDB).
class SyntheticLoad {
public:
    struct Figures {
        long long queries = 0;
        milliseconds max_wait{0};
        std::vector<lint::HeldLock> locks;
        /// From the changeset's start to the last sample that saw it hold (or wait for) a
        /// lock that blocks writes.
        milliseconds blocking{0};
    };

    SyntheticLoad(DatabaseOptions options, const snapshot::Schema& schema, milliseconds hold_for)
        : database_(open_database(options)), hold_for_(hold_for) {
        for (const snapshot::Table& table : schema.tables)
            if (!table.columns.empty())
                first_column_[lint::table_key(table.name)] = table.columns.front().name;
        // Every query of the load gives up after a while: it must never hang the rehearsal.
        for (const std::string& sql :
             database_.dialect().lock_timeout_statements(std::chrono::seconds(30)))
            database_.connection().execute(sql);
        thread_ = std::thread([this] { run(); });
    }
    ~SyntheticLoad() {
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
        }
        changed_.notify_all();
        thread_.join();
    }
    SyntheticLoad(const SyntheticLoad&) = delete;
    SyntheticLoad& operator=(const SyntheticLoad&) = delete;

    /// Called as changeset `index` starts: returns once the load holds its read transaction
    /// on the tables (or could not take it), so the changeset's first statement meets it.
    void begin_changeset(std::size_t index, std::vector<std::string> tables) {
        std::unique_lock lock(mutex_);
        current_ = index;
        tables_ = std::move(tables);
        figures_.try_emplace(index);
        changeset_started_ = Clock::now();
        hold_ = tables_.empty() ? Hold::None : Hold::Requested;
        changed_.notify_all();
        changed_.wait_for(lock, std::chrono::seconds(2),
                          [&] { return hold_ != Hold::Requested || stopping_; });
    }
    void end_changeset() {
        std::lock_guard lock(mutex_);
        current_.reset();
        tables_.clear();
        hold_ = Hold::None;
        changed_.notify_all();
    }
    [[nodiscard]] Figures figures(std::size_t index) {
        std::lock_guard lock(mutex_);
        auto found = figures_.find(index);
        return found == figures_.end() ? Figures{} : found->second;
    }

private:
    enum class Hold { None, Requested, Holding };

    void record(std::size_t index, milliseconds waited, std::vector<lint::HeldLock> locks) {
        std::lock_guard lock(mutex_);
        Figures& figures = figures_[index];
        if (waited.count() >= 0) {
            ++figures.queries;
            figures.max_wait = std::max(figures.max_wait, waited);
        }
        for (lint::HeldLock& held : locks) {
            if (blocks_writes(held.mode))
                figures.blocking = std::max(
                    figures.blocking,
                    std::chrono::duration_cast<milliseconds>(Clock::now() - changeset_started_));
            add_lock(figures.locks, std::move(held));
        }
    }

    // The migration's locks on the changeset's tables, as the database reports them now.
    std::vector<lint::HeldLock> sample(const std::vector<std::string>& tables) {
        std::vector<lint::HeldLock> locks;
        try {
            for (lint::HeldLock& held : database_.dialect().others_locks(database_.connection()))
                for (const std::string& table : tables)
                    if (lint::table_key(held.table) == lint::table_key(table))
                        locks.push_back(held);
        } catch (const Error&) {
            // a sample lost: the next one comes a few milliseconds later
        }
        return locks;
    }

    // A timed query; -1 ms when it failed (a table not there yet, or gone).
    milliseconds timed(const std::string& sql) {
        auto started = Clock::now();
        try {
            database_.connection().execute(sql);
        } catch (const Error&) {
            return milliseconds(-1);
        }
        return std::chrono::duration_cast<milliseconds>(Clock::now() - started);
    }

    std::string read_sql(const std::string& table) const {
        return fmt::format("SELECT COUNT(*) FROM {} WHERE 1 = 0",
                           database_.dialect().quote_identifier(table));
    }

    // Holds a read transaction on the tables for hold_for_, or until the changeset ends,
    // sampling the migration's locks meanwhile.
    void hold(std::size_t index, const std::vector<std::string>& tables) {
        Connection& connection = database_.connection();
        std::vector<std::string> held;
        try {
            connection.begin();
            for (const std::string& table : tables) {
                try {
                    connection.execute(read_sql(table));
                    held.push_back(table);
                } catch (const Error&) {
                    // a table the changeset creates: PostgreSQL's transaction is spoilt
                    connection.rollback();
                    connection.begin();
                    for (const std::string& again : held)
                        connection.execute(read_sql(again));
                }
            }
        } catch (const Error&) {
            held.clear();
        }
        {
            std::lock_guard lock(mutex_);
            if (hold_ == Hold::Requested)
                hold_ = Hold::Holding;
        }
        changed_.notify_all();
        // The whole time, not until a lock shows: a DDL's first lock (MariaDB's shared
        // upgradable one) comes well before the exclusive one it then waits for.
        auto until = Clock::now() + hold_for_;
        while (!held.empty() && Clock::now() < until) {
            record(index, milliseconds(-1), sample(tables));
            {
                std::unique_lock lock(mutex_);
                if (stopping_ || current_ != index)
                    break;
            }
            std::this_thread::sleep_for(milliseconds(2));
        }
        try {
            if (connection.in_transaction())
                connection.rollback();
        } catch (const Error&) {
            // the next query reconnects or fails; the load goes on either way
        }
    }

    void run() {
        while (true) {
            std::size_t index = 0;
            std::vector<std::string> tables;
            bool holding = false;
            {
                std::unique_lock lock(mutex_);
                changed_.wait(lock, [&] { return stopping_ || current_.has_value(); });
                if (stopping_)
                    return;
                index = *current_;
                tables = tables_;
                holding = hold_ == Hold::Requested;
            }
            if (holding) {
                hold(index, tables);
                continue;
            }
            for (const std::string& table : tables) {
                record(index, timed(read_sql(table)), sample(tables));
                auto column = first_column_.find(lint::table_key(table));
                if (column != first_column_.end()) {
                    std::string quoted = database_.dialect().quote_identifier(column->second);
                    record(index,
                           timed(fmt::format("UPDATE {} SET {} = {} WHERE 1 = 0",
                                             database_.dialect().quote_identifier(table), quoted,
                                             quoted)),
                           {});
                }
            }
            std::this_thread::sleep_for(milliseconds(tables.empty() ? 5 : 1));
        }
    }

    Database database_;
    milliseconds hold_for_;
    std::map<std::string, std::string> first_column_;
    std::mutex mutex_;
    std::condition_variable changed_;
    bool stopping_ = false;
    std::optional<std::size_t> current_;
    Clock::time_point changeset_started_;
    std::vector<std::string> tables_;
    Hold hold_ = Hold::None;
    std::map<std::size_t, Figures> figures_;
    std::thread thread_;
};

} // namespace

bool Rehearsal::predictions_held() const {
    return std::all_of(changesets.begin(), changesets.end(), [](const RehearsedChangeset& one) {
        return std::all_of(one.predictions.begin(), one.predictions.end(),
                           [](const RehearsedChangeset::Prediction& p) { return p.held; });
    });
}

Rehearsal rehearse(const Changelog& changelog, const RehearseOptions& options) {
    Database target = open_database(options.target);
    EngineSettings target_settings = options.engine;
    target_settings.target = target.spec();
    target_settings.progress = nullptr;
    Engine reader(target.dialect(), target.connection(), target_settings);
    std::vector<HistoryRow> history = reader.history();
    LintReport predicted = reader.lint(changelog);
    snapshot::Schema schema = read_schema(target, options.read);

    std::optional<Scratch> scratch;
    DatabaseOptions scratch_options = options.target;
    scratch_options.url = scratch_place(target, options.target.url, options.scratch_url,
                                        "strata_rehearse", "scratch-url", scratch);
    scratch_options.read_only = false;
    Database clone = open_database(scratch_options);

    Rehearsal rehearsal;
    rehearsal.scratch_label = clone.spec().display;
    rehearsal.cloned_tables = static_cast<int>(schema.tables.size());
    EngineSettings quiet = options.engine;
    quiet.target = clone.spec();
    quiet.progress = nullptr;
    quiet.on_changeset = nullptr;
    quiet.sql_log = nullptr;
    quiet.own_schema.clear(); // the clone's history lives in the scratch namespace
    auto step = [&](const char* what, auto&& body) {
        try {
            body();
        } catch (Error& error) {
            error.add_context(
                fmt::format("{} on the scratch database {}", what, clone.spec().display));
            throw;
        }
    };

    // The target's schema, then its history: what update would run there is pending here.
    step("cloning the target's schema", [&] {
        diff::ChangelogOptions generated;
        generated.id_prefix = "clone";
        generated.path = "strata-rehearse-clone";
        Changelog copy = diff::generate_changelog(schema, {}, generated);
        EngineSettings cloning = quiet;
        cloning.history_table = "STRATA_REHEARSE_CLONE";
        cloning.lock_table = "STRATA_REHEARSE_CLONE_LOCK";
        Engine(clone.dialect(), clone.connection(), cloning).update(copy);
        if (options.sample_rows > 0)
            for (const snapshot::Table* table : referenced_first(schema))
                rehearsal.sampled_rows +=
                    copy_sample(target, clone, *table, options.sample_rows, rehearsal.sample_notes);
        Engine(clone.dialect(), clone.connection(), quiet)
            .changelog_sync(applied_part(changelog, history));
    });

    // The load runs where its own lock waits can be bounded (a database server).
    std::optional<SyntheticLoad> load;
    if (!clone.dialect().lock_timeout_statements(milliseconds(1)).empty()) {
        // Short enough that a changeset waiting behind it does not time out (--lock-timeout).
        milliseconds hold = milliseconds(150);
        if (options.engine.safety.lock_timeout.count() > 0)
            hold = std::min(hold, options.engine.safety.lock_timeout / 2);
        step("starting the synthetic load", [&] { load.emplace(scratch_options, schema, hold); });
        rehearsal.load_ran = true;
    }
    std::map<std::string, std::vector<std::string>> tables_of;
    for (const ChangeSet& changeset : changelog.changesets)
        tables_of[changeset.identifier()] = touched_tables(changeset, predicted);

    // Each statement's locks, read while its transaction still holds them.
    RehearsedChangeset* current = nullptr;
    Clock::time_point started;
    EngineSettings measured = quiet;
    measured.on_changeset = [&](const ChangesetProgress& event) {
        if (event.phase == ChangesetProgress::Phase::Started) {
            RehearsedChangeset one;
            one.identifier = event.identifier;
            rehearsal.changesets.push_back(std::move(one));
            current = &rehearsal.changesets.back();
            if (load)
                load->begin_changeset(rehearsal.changesets.size() - 1, tables_of[event.identifier]);
            started = Clock::now();
        } else if (current != nullptr) {
            if (load)
                load->end_changeset();
            current->duration = event.elapsed;
            current = nullptr;
        }
    };
    measured.after_statement = [&](const std::string&) {
        if (current == nullptr)
            return;
        for (lint::HeldLock& lock : clone.dialect().held_locks(clone.connection())) {
            rehearsal.locks_observed = true;
            if (blocks_writes(lock.mode))
                current->blocking =
                    std::chrono::duration_cast<milliseconds>(Clock::now() - started);
            add_lock(current->locks, std::move(lock));
        }
    };
    rehearsal.changesets.reserve(changelog.changesets.size());
    int ran = 0;
    step("applying the pending changesets", [&] {
        ran = Engine(clone.dialect(), clone.connection(), measured).update(changelog).run;
    });
    if (load) {
        for (std::size_t i = 0; i < rehearsal.changesets.size(); ++i) {
            SyntheticLoad::Figures figures = load->figures(i);
            RehearsedChangeset& one = rehearsal.changesets[i];
            one.load_queries = figures.queries;
            one.load_max_wait = figures.max_wait;
            one.blocking = std::max(one.blocking, figures.blocking);
            for (lint::HeldLock& lock : figures.locks) {
                rehearsal.locks_observed = true;
                add_lock(one.locks, std::move(lock));
            }
        }
        load.reset();
    }

    for (RehearsedChangeset& one : rehearsal.changesets) {
        for (const LintEntry& entry : predicted.entries) {
            if (entry.changeset != one.identifier || entry.finding.lock.empty() ||
                entry.finding.table.empty())
                continue;
            RehearsedChangeset::Prediction prediction{entry.finding.rule, entry.finding.table,
                                                      entry.finding.lock, false};
            std::string mode = lock_mode(entry.finding.lock);
            prediction.held =
                !rehearsal.locks_observed ||
                std::any_of(one.locks.begin(), one.locks.end(), [&](const lint::HeldLock& held) {
                    return lint::table_key(held.table) == lint::table_key(entry.finding.table) &&
                           to_lower(held.mode) == mode;
                });
            one.predictions.push_back(std::move(prediction));
        }
    }

    step("rolling the pending changesets back", [&] {
        RollbackTarget back;
        back.count = ran;
        Engine(clone.dialect(), clone.connection(), quiet).rollback(changelog, back);
    });
    rehearsal.rolled_back = true;
    step("applying the pending changesets again",
         [&] { Engine(clone.dialect(), clone.connection(), quiet).update(changelog); });
    rehearsal.reapplied = true;
    return rehearsal;
}

} // namespace strata
