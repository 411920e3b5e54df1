// SPDX-License-Identifier: Apache-2.0
// The application side of bench/lock_under_load.sh: N sessions run a bounded, steady mix of
// primary-key lookups, single-row inserts and single-row updates on bench_orders, and every
// operation's start time and latency is kept. Each session prepares its statements once
// (server-side on PostgreSQL, as JDBC does too after a few runs). A "long reader" holds a read
// transaction on the table for a few seconds, again and again: a DDL that queues behind it stalls
// every later query on the table, which is what a migration tool must avoid. Two reader sessions
// take turns, the next one starting --reader-overlap seconds before the current one ends, so
// a reader is always there: when a DDL gets its turn the next reader has already queued
// behind it, and the tool's next DDL meets that one (with a single session restarting after
// its commit, the tool's next statement and the reader's race for the table). A poller
// watches the history table, so the time of each changeset's commit is known and the stalls
// can be attributed to the changeset that caused them.
//
//   strata_lock_workload --backend=postgresql|mysql --connect='host=... port=... ...'
//       [--sessions=4] [--rate=200] [--rows=1000000] [--duration=0] [--stall-ms=100]
//       [--reader-hold=5] [--reader-overlap=0.2] [--history-table=DATABASECHANGELOG]
//       [--poll-ms=10] [--marks=FILE] [--window-ms=0] [--ready=FILE] [--samples=FILE]
//
// It runs until SIGINT/SIGTERM (or --duration seconds), then prints one JSON object: the
// latency figures of all operations, of those that ended in each phase between marks (the
// lines "<epoch ms> <label>" of the --marks file, read at stop, plus each changeset's
// commit), of those that ended between the marks "update-start" and "update-end" ("update"),
// and with --window-ms of each fixed window; --samples writes every operation (start,
// latency, kind, session) as CSV. A stall is an operation slower than
// --stall-ms; the stalled time is the length of the union of the stalled operations'
// intervals, so four sessions stuck behind the same lock count once.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <fstream>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <soci/soci.h>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

using SteadyClock = std::chrono::steady_clock;
using std::chrono::microseconds;
using std::chrono::milliseconds;

std::atomic<bool> stop_requested{false};
extern "C" void request_stop(int) {
    stop_requested.store(true);
}

struct Options {
    std::string backend;
    std::string connect;
    int sessions = 4;
    double rate = 200; // operations per second per session
    long long rows = 1'000'000;
    double duration = 0; // seconds; 0 = until a signal
    double stall_ms = 100;
    double reader_hold = 5;      // seconds; 0 = no long reader
    double reader_overlap = 0.2; // seconds; negative: a gap with no reader
    std::string history_table = "DATABASECHANGELOG";
    int poll_ms = 10;
    std::string marks_file;
    int window_ms = 0;
    std::string ready_file;
    std::string samples_file;
};

enum class OpKind : std::uint8_t { Lookup, Insert, Update };

struct Sample {
    std::int64_t start_us; // since the epoch, to line up with the script's marks
    std::int64_t latency_us;
    OpKind kind;
    bool failed;
    int session;
};

struct Mark {
    std::int64_t at_us;
    std::string label;
    bool changeset; // a history row appeared (the changeset committed)
};

std::int64_t epoch_us() {
    return std::chrono::duration_cast<microseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// Sleeps in short steps so a stop request is seen within ~20 ms.
void sleep_unless_stopped(double seconds) {
    auto until = SteadyClock::now() + microseconds(static_cast<std::int64_t>(seconds * 1e6));
    while (!stop_requested.load() && SteadyClock::now() < until)
        std::this_thread::sleep_for(
            std::min<SteadyClock::duration>(milliseconds(20), until - SteadyClock::now()));
}

class ErrorLog {
public:
    void add(const std::string& message) {
        std::lock_guard lock(mutex_);
        ++count_;
        if (first_.size() < 5)
            first_.insert(message.substr(0, 300));
    }
    [[nodiscard]] nlohmann::json to_json() const {
        std::lock_guard lock(mutex_);
        return {{"count", count_}, {"first", first_}};
    }

private:
    mutable std::mutex mutex_;
    long long count_ = 0;
    std::set<std::string> first_;
};

// One application session: a steady rate, never catching up in a burst after a stall (the
// stalled operation's latency already says what happened).
void run_session(const Options& options, int index, std::vector<Sample>& samples, ErrorLog& errors,
                 std::atomic<int>& connected) {
    soci::session sql(options.backend, options.connect);
    long long id = 0;
    long long customer = 0;
    long long insert_id = options.rows + 1 + static_cast<long long>(index) * 100'000'000LL;
    int found_customer = 0;
    soci::statement lookup = (sql.prepare << "SELECT customer_id FROM bench_orders WHERE id = :id",
                              soci::use(id), soci::into(found_customer));
    soci::statement insert =
        (sql.prepare << "INSERT INTO bench_orders (id, customer_id, amount, status, created_at) "
                        "VALUES (:id, :customer, 10.00, 'new', CURRENT_TIMESTAMP)",
         soci::use(id), soci::use(customer));
    soci::statement update =
        (sql.prepare << "UPDATE bench_orders SET amount = amount + 1 WHERE id = :id",
         soci::use(id));
    ++connected;

    std::mt19937_64 random(static_cast<std::uint64_t>(index) * 7919 + 1);
    std::uniform_int_distribution<long long> any_row(1, options.rows);
    std::uniform_int_distribution<long long> any_customer(1, 1000);
    std::uniform_int_distribution<int> percent(0, 99);
    const auto interval = microseconds(static_cast<std::int64_t>(1e6 / options.rate));
    auto next = SteadyClock::now();
    while (!stop_requested.load()) {
        const int roll = percent(random);
        const OpKind kind = roll < 60   ? OpKind::Lookup
                            : roll < 80 ? OpKind::Insert
                                        : OpKind::Update;
        const std::int64_t started_at = epoch_us();
        const auto started = SteadyClock::now();
        bool failed = false;
        try {
            switch (kind) {
            case OpKind::Lookup:
                id = any_row(random);
                lookup.execute(true);
                break;
            case OpKind::Insert:
                id = insert_id++;
                customer = any_customer(random);
                insert.execute(true);
                break;
            case OpKind::Update:
                id = any_row(random);
                update.execute(true);
                break;
            }
        } catch (const std::exception& error) {
            failed = true;
            errors.add(error.what());
        }
        const auto latency =
            std::chrono::duration_cast<microseconds>(SteadyClock::now() - started).count();
        samples.push_back({started_at, latency, kind, failed, index});

        next += interval;
        const auto now = SteadyClock::now();
        if (next < now)
            next = now; // behind schedule: go on from here, no burst
        while (!stop_requested.load() && SteadyClock::now() < next)
            std::this_thread::sleep_for(
                std::min<SteadyClock::duration>(milliseconds(20), next - SteadyClock::now()));
    }
}

struct ReaderStats {
    long long cycles = 0;
    long long longest_select_us = 0;
};

// Opens a transaction, reads the table (which takes its shared lock: AccessShareLock on
// PostgreSQL, a shared metadata lock on MariaDB, both held to the end of the transaction),
// holds it, commits; waits for its turn; again. Reader `turn` (0 or 1) of two.
void run_long_reader(const Options& options, int turn, ReaderStats& stats, ErrorLog& errors) {
    soci::session sql(options.backend, options.connect);
    const double shift = options.reader_hold - options.reader_overlap;
    const auto period = microseconds(static_cast<std::int64_t>(2 * shift * 1e6));
    auto next = SteadyClock::now() + microseconds(static_cast<std::int64_t>(turn * shift * 1e6));
    while (!stop_requested.load()) {
        sleep_unless_stopped(std::chrono::duration<double>(next - SteadyClock::now()).count());
        if (stop_requested.load())
            break;
        next += period;
        try {
            sql.begin();
            const auto started = SteadyClock::now();
            long long count = 0;
            sql << "SELECT COUNT(*) FROM bench_orders WHERE id <= 1000", soci::into(count);
            stats.longest_select_us = std::max<long long>(
                stats.longest_select_us,
                std::chrono::duration_cast<microseconds>(SteadyClock::now() - started).count());
            sleep_unless_stopped(options.reader_hold);
            sql.commit();
            ++stats.cycles;
        } catch (const std::exception& error) {
            errors.add(std::string("long reader: ") + error.what());
            try {
                sql.rollback();
            } catch (const std::exception&) {
                // The connection is gone; the next begin() says so again.
            }
        }
        next = std::max(next, SteadyClock::now()); // late (its read waited): go on from now
    }
}

// Notes the moment each changeset's history row becomes visible, i.e. its commit. Before
// the tool has created the history table the query fails; that is expected.
void run_history_poller(const Options& options, std::vector<Mark>& marks, std::mutex& mutex) {
    soci::session sql(options.backend, options.connect);
    std::set<std::string> seen;
    while (!stop_requested.load()) {
        try {
            soci::rowset<std::string> ids =
                (sql.prepare << "SELECT ID FROM " + options.history_table +
                                    " ORDER BY ORDEREXECUTED");
            const std::int64_t now = epoch_us();
            for (const auto& id : ids) {
                if (seen.insert(id).second) {
                    std::lock_guard lock(mutex);
                    marks.push_back({now, id, true});
                }
            }
        } catch (const std::exception&) {
            // No history table yet (each statement is its own transaction: nothing to undo).
        }
        sleep_unless_stopped(options.poll_ms / 1000.0);
    }
}

struct Interval {
    std::int64_t begin;
    std::int64_t end;
};

// The union of the stalled operations' [start, end] intervals, in time order.
std::vector<Interval> stalled_intervals(const std::vector<Sample>& samples, std::int64_t stall_us) {
    std::vector<Interval> slow;
    for (const auto& sample : samples)
        if (sample.latency_us > stall_us)
            slow.push_back({sample.start_us, sample.start_us + sample.latency_us});
    std::sort(slow.begin(), slow.end(),
              [](const Interval& a, const Interval& b) { return a.begin < b.begin; });
    std::vector<Interval> merged;
    for (const auto& interval : slow) {
        if (!merged.empty() && interval.begin <= merged.back().end)
            merged.back().end = std::max(merged.back().end, interval.end);
        else
            merged.push_back(interval);
    }
    return merged;
}

double ms(std::int64_t us) {
    return static_cast<double>(us) / 1000.0;
}

// Figures of the operations that ended in [begin, end), and the stalled time inside it. By
// their end, because a query stuck behind a DDL is let go when that DDL gets its lock, just
// before its changeset commits: it belongs to that changeset even if it started during the
// one before (the history poller sees a commit up to --poll-ms late).
nlohmann::json figures(const std::vector<Sample>& samples, const std::vector<Interval>& stalls,
                       std::int64_t begin, std::int64_t end, std::int64_t stall_us) {
    std::vector<std::int64_t> latencies;
    long long failed = 0;
    long long over = 0;
    for (const auto& sample : samples) {
        const std::int64_t ended = sample.start_us + sample.latency_us;
        if (ended < begin || ended >= end)
            continue;
        latencies.push_back(sample.latency_us);
        failed += sample.failed ? 1 : 0;
        over += sample.latency_us > stall_us ? 1 : 0;
    }
    std::sort(latencies.begin(), latencies.end());
    auto percentile = [&](double p) {
        if (latencies.empty())
            return 0.0;
        const auto rank =
            static_cast<std::size_t>(p * static_cast<double>(latencies.size() - 1) + 0.5);
        return ms(latencies[rank]);
    };
    std::int64_t stalled = 0;
    std::int64_t longest = 0;
    for (const auto& interval : stalls) {
        const std::int64_t clipped = std::min(interval.end, end) - std::max(interval.begin, begin);
        if (clipped > 0)
            stalled += clipped;
        // A stall belongs, whole, to the phase in which it ended.
        if (interval.end >= begin && interval.end < end)
            longest = std::max(longest, interval.end - interval.begin);
    }
    return {
        {"count", latencies.size()},  {"failed", failed},
        {"over_stall", over},         {"p50_ms", percentile(0.50)},
        {"p99_ms", percentile(0.99)}, {"max_ms", latencies.empty() ? 0.0 : ms(latencies.back())},
        {"stalled_ms", ms(stalled)},  {"longest_stall_ms", ms(longest)}};
}

std::vector<Mark> read_marks(const std::string& path) {
    std::vector<Mark> marks;
    if (path.empty())
        return marks;
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream fields(line);
        std::int64_t at_ms = 0;
        std::string label;
        if (fields >> at_ms && std::getline(fields >> std::ws, label))
            marks.push_back({at_ms * 1000, label, false});
    }
    return marks;
}

bool parse_option(std::string_view argument, Options& options) {
    const auto equals = argument.find('=');
    if (argument.substr(0, 2) != "--" || equals == std::string_view::npos)
        return false;
    const std::string name(argument.substr(2, equals - 2));
    const std::string value(argument.substr(equals + 1));
    if (name == "backend")
        options.backend = value;
    else if (name == "connect")
        options.connect = value;
    else if (name == "sessions")
        options.sessions = std::stoi(value);
    else if (name == "rate")
        options.rate = std::stod(value);
    else if (name == "rows")
        options.rows = std::stoll(value);
    else if (name == "duration")
        options.duration = std::stod(value);
    else if (name == "stall-ms")
        options.stall_ms = std::stod(value);
    else if (name == "reader-hold")
        options.reader_hold = std::stod(value);
    else if (name == "reader-overlap")
        options.reader_overlap = std::stod(value);
    else if (name == "history-table")
        options.history_table = value;
    else if (name == "poll-ms")
        options.poll_ms = std::stoi(value);
    else if (name == "marks")
        options.marks_file = value;
    else if (name == "window-ms")
        options.window_ms = std::stoi(value);
    else if (name == "ready")
        options.ready_file = value;
    else if (name == "samples")
        options.samples_file = value;
    else
        return false;
    return true;
}

} // namespace

int main(int argc, char** argv) {
    Options options;
    for (int i = 1; i < argc; ++i) {
        if (!parse_option(argv[i], options)) {
            std::cerr << "strata_lock_workload: unknown argument " << argv[i]
                      << " (see the comment at the top of bench/lock_workload.cpp)\n";
            return 2;
        }
    }
    if ((options.backend != "postgresql" && options.backend != "mysql") ||
        options.connect.empty() || options.sessions < 1 || options.rate <= 0 || options.rows < 1) {
        std::cerr << "usage: strata_lock_workload --backend=postgresql|mysql --connect=STRING "
                     "[--sessions=N] [--rate=OPS] [--rows=N] [--duration=S] ...\n";
        return 2;
    }
    std::signal(SIGINT, request_stop);
    std::signal(SIGTERM, request_stop);

    const std::int64_t started_us = epoch_us();
    ErrorLog errors;
    std::vector<std::vector<Sample>> per_session(static_cast<std::size_t>(options.sessions));
    std::atomic<int> connected{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < options.sessions; ++i) {
        auto& samples = per_session[static_cast<std::size_t>(i)];
        samples.reserve(static_cast<std::size_t>(options.rate * 600));
        threads.emplace_back([&, i, &samples = samples] {
            try {
                run_session(options, i, samples, errors, connected);
            } catch (const std::exception& error) {
                errors.add(std::string("session setup: ") + error.what());
                stop_requested.store(true);
            }
        });
    }
    std::vector<ReaderStats> readers(options.reader_hold > 0 ? 2 : 0);
    for (int turn = 0; turn < static_cast<int>(readers.size()); ++turn)
        threads.emplace_back([&, turn] {
            try {
                run_long_reader(options, turn, readers[static_cast<std::size_t>(turn)], errors);
            } catch (const std::exception& error) {
                errors.add(std::string("long reader setup: ") + error.what());
                stop_requested.store(true);
            }
        });
    std::vector<Mark> marks;
    std::mutex marks_mutex;
    if (!options.history_table.empty())
        threads.emplace_back([&] {
            try {
                run_history_poller(options, marks, marks_mutex);
            } catch (const std::exception& error) {
                errors.add(std::string("history poller setup: ") + error.what());
            }
        });

    while (connected.load() < options.sessions && !stop_requested.load())
        std::this_thread::sleep_for(milliseconds(10));
    if (!options.ready_file.empty())
        std::ofstream(options.ready_file) << "ready\n";
    const auto deadline =
        SteadyClock::now() + microseconds(static_cast<std::int64_t>(options.duration * 1e6));
    while (!stop_requested.load() && (options.duration <= 0 || SteadyClock::now() < deadline))
        std::this_thread::sleep_for(milliseconds(20));
    stop_requested.store(true);
    for (auto& thread : threads)
        thread.join();
    const std::int64_t stopped_us = epoch_us();

    std::vector<Sample> samples;
    for (auto& session_samples : per_session)
        samples.insert(samples.end(), session_samples.begin(), session_samples.end());
    const auto stall_us = static_cast<std::int64_t>(options.stall_ms * 1000);
    const auto stalls = stalled_intervals(samples, stall_us);
    static constexpr const char* kKindNames[] = {"lookup", "insert", "update"};
    auto kind_name = [](OpKind kind) { return kKindNames[static_cast<int>(kind)]; };
    if (!options.samples_file.empty()) {
        std::ofstream out(options.samples_file);
        out << "start_epoch_us,latency_us,kind,session,failed\n";
        for (const auto& sample : samples)
            out << sample.start_us << ',' << sample.latency_us << ',' << kind_name(sample.kind)
                << ',' << sample.session << ',' << (sample.failed ? 1 : 0) << '\n';
    }

    nlohmann::json result;
    result["backend"] = options.backend;
    result["sessions"] = options.sessions;
    result["rate_per_session"] = options.rate;
    result["stall_ms"] = options.stall_ms;
    result["start_epoch_ms"] = started_us / 1000;
    result["seconds"] = static_cast<double>(stopped_us - started_us) / 1e6;
    result["overall"] = figures(samples, stalls, started_us, stopped_us + 1, stall_us);
    result["errors"] = errors.to_json();
    ReaderStats reader;
    for (const auto& one : readers) {
        reader.cycles += one.cycles;
        reader.longest_select_us = std::max(reader.longest_select_us, one.longest_select_us);
    }
    result["long_reader"] = {{"hold_s", options.reader_hold},
                             {"overlap_s", options.reader_overlap},
                             {"transactions", reader.cycles},
                             {"longest_select_ms", ms(reader.longest_select_us)}};

    // Phases: from one mark to the next. A changeset's phase ends at its commit and starts at
    // the previous mark, so the first one also holds the tool's start-up.
    auto all_marks = read_marks(options.marks_file);
    // The poller sees a commit up to a poll late: a commit seen within two polls after the
    // script's "...-end" mark (the tool had exited) happened before it.
    const std::int64_t poll_lag_us = 2LL * options.poll_ms * 1000;
    for (auto& mark : marks) {
        for (const auto& file_mark : all_marks) {
            const bool ends = file_mark.label.size() > 4 &&
                              file_mark.label.compare(file_mark.label.size() - 4, 4, "-end") == 0;
            if (ends && mark.at_us > file_mark.at_us && mark.at_us <= file_mark.at_us + poll_lag_us)
                mark.at_us = file_mark.at_us - 1;
        }
    }
    // The whole update, from the script's "update-start" to its "update-end" (the tool has
    // exited; a query it held up ended before that): what --backfill judges.
    std::int64_t update_start = 0;
    std::int64_t update_end = 0;
    for (const auto& file_mark : all_marks) {
        if (file_mark.label == "update-start")
            update_start = file_mark.at_us;
        else if (file_mark.label == "update-end")
            update_end = file_mark.at_us;
    }
    if (update_start > 0 && update_end > update_start)
        result["update"] = figures(samples, stalls, update_start, update_end + 1, stall_us);
    all_marks.insert(all_marks.end(), marks.begin(), marks.end());
    std::stable_sort(all_marks.begin(), all_marks.end(),
                     [](const Mark& a, const Mark& b) { return a.at_us < b.at_us; });
    nlohmann::json phases = nlohmann::json::array();
    std::int64_t from = started_us;
    std::string previous = "start";
    auto add_phase = [&](std::int64_t to, const std::string& label) {
        auto phase = figures(samples, stalls, from, to, stall_us);
        phase["label"] = label;
        phase["from_ms"] = ms(from - started_us);
        phase["to_ms"] = ms(to - started_us);
        phases.push_back(std::move(phase));
    };
    for (const auto& mark : all_marks) {
        add_phase(mark.at_us, mark.changeset ? "changeset " + mark.label : "until " + mark.label);
        from = mark.at_us;
        previous = mark.label;
    }
    add_phase(stopped_us + 1, "after " + previous);
    result["phases"] = std::move(phases);

    if (options.window_ms > 0) {
        nlohmann::json windows = nlohmann::json::array();
        const std::int64_t step = static_cast<std::int64_t>(options.window_ms) * 1000;
        for (std::int64_t at = started_us; at < stopped_us; at += step) {
            auto window = figures(samples, stalls, at, at + step, stall_us);
            window["from_ms"] = ms(at - started_us);
            windows.push_back(std::move(window));
        }
        result["windows"] = std::move(windows);
    }
    // The slowest operations, to tell which kind waited and when.
    const std::size_t shown = std::min<std::size_t>(10, samples.size());
    std::partial_sort(samples.begin(), samples.begin() + static_cast<std::ptrdiff_t>(shown),
                      samples.end(),
                      [](const Sample& a, const Sample& b) { return a.latency_us > b.latency_us; });
    nlohmann::json slowest = nlohmann::json::array();
    for (std::size_t i = 0; i < shown; ++i) {
        const auto& sample = samples[i];
        slowest.push_back({{"kind", kind_name(sample.kind)},
                           {"session", sample.session},
                           {"from_ms", ms(sample.start_us - started_us)},
                           {"latency_ms", ms(sample.latency_us)},
                           {"failed", sample.failed}});
    }
    result["slowest"] = std::move(slowest);
    std::cout << result.dump(1) << '\n';
    return 0;
}
