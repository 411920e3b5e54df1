// SPDX-License-Identifier: Apache-2.0
// strata:batchUpdate: a data migration run in batches while the application runs. Each batch
// takes the next `batchSize` keys (keyset pagination: key > the last key done, in key order,
// never OFFSET), updates those of its rows that `where` selects, and records its last key in
// STRATA_BATCH_PROGRESS in the same commit. A killed run resumes after the last committed
// batch; `where` selects only rows still to migrate, so a batch run twice changes nothing.
// The history row is written only after the last batch and validateSql.
#include "engine_internal.hpp"

#include <chrono>
#include <ctime>
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <thread>

namespace strata {

int positive_setting(const Change& change, std::string_view key, int fallback, int minimum) {
    const std::string* written = change.get(key);
    if (written == nullptr)
        return fallback;
    int value = 0;
    try {
        value = std::stoi(*written);
    } catch (const std::exception&) {
        value = minimum - 1;
    }
    if (value < minimum)
        throw Error(ErrorKind::Validation,
                    fmt::format("{} {}=\"{}\" must be a whole number of at least {}",
                                change.type_name(), key, *written, minimum),
                    change.where);
    return value;
}

namespace {

std::string now_text() {
    return fmt::format("{:%Y-%m-%d %H:%M:%S}", fmt::gmtime(std::time(nullptr)));
}

std::string duration_text(double seconds) {
    auto whole = static_cast<long long>(seconds + 0.5);
    if (whole < 60)
        return fmt::format("{}s", whole);
    if (whole < 3600)
        return fmt::format("{}m{:02}s", whole / 60, whole % 60);
    return fmt::format("{}h{:02}m", whole / 3600, whole % 3600 / 60);
}

} // namespace

void Engine::apply_batch_update(const ChangeSet& changeset, const Change& change,
                                const std::string& record) {
    std::vector<std::string> keys = split_list(change.value("keyColumns"));
    if (keys.size() != 1)
        throw Error(ErrorKind::Validation,
                    fmt::format("strata:batchUpdate keyColumns=\"{}\" names {} columns; batches "
                                "are paginated on one key column",
                                change.value("keyColumns"), keys.size()),
                    change.where,
                    "name one unique, indexed column, such as the primary key of a table with "
                    "a single-column key");
    BatchJob job;
    job.batch_size = positive_setting(change, "batchSize", 5000, 1);
    job.pause = std::chrono::milliseconds(positive_setting(change, "pauseMs", 0, 0));
    job.table = dialect_.quote_identifier(change.value("tableName"));
    if (const std::string* schema = change.get("schemaName"); schema && !schema->empty())
        job.table = dialect_.quote_identifier(*schema) + "." + job.table;
    job.key = dialect_.quote_identifier(keys.front());
    job.where = "(" + trim(change.value("where")) + ")";
    job.set = trim(change.value("set"));
    job.what = fmt::format("strata:batchUpdate of {}", change.value("tableName"));

    BatchCheckpoint checkpoint = read_checkpoint(changeset);
    // A checkpoint of an edited changeset is not this one's: start again (`where` skips the
    // rows already migrated).
    if (!checkpoint.resumed)
        restart_checkpoint(changeset, checkpoint);
    run_batches(changeset, job, checkpoint);

    if (const std::string* validate = change.get("validateSql");
        validate && !trim(*validate).empty()) {
        ResultSet result = connection_.query(trim(*validate));
        std::string value = result.rows.empty() || result.rows.front().empty()
                                ? "(no rows)"
                                : result.rows.front()[0].value_or("NULL");
        if (value != "0") {
            // The next run starts from the first key again: rows the validation found may lie
            // behind the checkpoint.
            execute(fmt::format("DELETE FROM {} WHERE {}", checkpoint.table, checkpoint.identity));
            Error error(ErrorKind::Validation,
                        fmt::format("{}: validateSql returned {}, not 0:\n    {}", job.what, value,
                                    trim(*validate)),
                        change.where,
                        "the batches ran and stay committed; fix the rows the query finds (or "
                        "the query), then run `strata update` again: no history row was written");
            error.set_changeset(changeset.identifier());
            error.add_context(fmt::format("applying changeSet {} ({})", changeset.identifier(),
                                          changeset.where.str()));
            throw error;
        }
    }
    finish_batches(checkpoint, record);
}

Engine::BatchCheckpoint Engine::read_checkpoint(const ChangeSet& changeset) {
    // The checkpoint: one row per changeset in flight, in strata's own table.
    BatchCheckpoint checkpoint;
    const TableName progress_name = own_table(settings_.batch_progress_table);
    checkpoint.table = dialect_.table_reference(progress_name);
    checkpoint.identity = fmt::format(
        "ID = {} AND AUTHOR = {} AND FILENAME = {}", dialect_.quote_literal(changeset.id),
        dialect_.quote_literal(changeset.author), dialect_.quote_literal(changeset.path));
    if (!dialect_.table_exists(connection_, progress_name))
        execute(fmt::format("CREATE TABLE {} (ID VARCHAR(255) NOT NULL, AUTHOR VARCHAR(255) NOT "
                            "NULL, FILENAME VARCHAR(255) NOT NULL, MD5SUM VARCHAR(35) NOT NULL, "
                            "LAST_KEY VARCHAR(1000), ROWS_DONE BIGINT NOT NULL, UPDATED "
                            "VARCHAR(40) NOT NULL)",
                            checkpoint.table));
    checkpoint.checksum = current_checksum(changeset);
    ResultSet saved =
        connection_.query(fmt::format("SELECT MD5SUM, LAST_KEY, ROWS_DONE FROM {} WHERE {}",
                                      checkpoint.table, checkpoint.identity));
    checkpoint.resumed =
        !saved.rows.empty() && saved.rows.front()[0].value_or("") == checkpoint.checksum;
    if (checkpoint.resumed) {
        checkpoint.last_key = saved.rows.front()[1];
        checkpoint.rows_done = std::stoll(saved.rows.front()[2].value_or("0"));
    }
    return checkpoint;
}

void Engine::restart_checkpoint(const ChangeSet& changeset, BatchCheckpoint& checkpoint) {
    execute(fmt::format("DELETE FROM {} WHERE {}", checkpoint.table, checkpoint.identity));
    execute(fmt::format(
        "INSERT INTO {} (ID, AUTHOR, FILENAME, MD5SUM, LAST_KEY, ROWS_DONE, "
        "UPDATED) VALUES ({}, {}, {}, {}, NULL, 0, {})",
        checkpoint.table, dialect_.quote_literal(changeset.id),
        dialect_.quote_literal(changeset.author), dialect_.quote_literal(changeset.path),
        dialect_.quote_literal(checkpoint.checksum), dialect_.quote_literal(now_text())));
    checkpoint.last_key.reset();
    checkpoint.rows_done = 0;
}

long long Engine::run_batches(const ChangeSet& changeset, const BatchJob& job,
                              BatchCheckpoint& checkpoint) {
    const std::string& table = job.table;
    const std::string& key = job.key;
    const std::string& what = job.what;
    const int batch_size = job.batch_size;
    std::optional<std::string>& last_key = checkpoint.last_key;
    long long& rows_done = checkpoint.rows_done;
    // Keys go back as string literals, which each database converts to the key's type (a
    // bare number would not compare with a text key on PostgreSQL).
    auto key_literal = [&](const std::string& value) { return dialect_.quote_literal(value); };

    // The estimate: rows still to migrate now, plus those earlier runs did.
    ResultSet counted =
        connection_.query(fmt::format("SELECT COUNT(*) FROM {} WHERE {}", table, job.where));
    long long total = rows_done + std::stoll(counted.rows.front()[0].value_or("0"));
    if (settings_.progress)
        settings_.progress(
            fmt::format("{}: about {} rows to migrate in batches of {}{}", what, total, batch_size,
                        checkpoint.resumed ? fmt::format(", resuming after key {} ({} rows done)",
                                                         last_key.value_or("(none)"), rows_done)
                                           : std::string()));
    const auto started = std::chrono::steady_clock::now();
    long long rows_this_run = 0;
    for (int batch = 1;; ++batch) {
        std::string after =
            last_key ? fmt::format("{} > {} AND ", key, key_literal(*last_key)) : std::string();
        // The next batchSize keys, by the key alone: a range of the key's index whatever the
        // planner knows of `where` (with `where` in it, PostgreSQL without fresh statistics
        // scanned the whole table for every batch). Their count and last key come back in one
        // row; the keys themselves stay on the server.
        std::string select = fmt::format(
            "SELECT COUNT(*), MAX(batch_key) FROM (SELECT {} AS batch_key FROM {}{} ORDER BY {} "
            "LIMIT {}) batch_keys",
            key, table,
            last_key ? fmt::format(" WHERE {} > {}", key, key_literal(*last_key)) : std::string(),
            key, batch_size);
        long long batch_keys = 0;
        long long batch_rows = 0;
        std::string batch_last;
        for (int attempt = 1;; ++attempt) {
            std::string statement = select;
            try {
                connection_.begin();
                ResultSet next = connection_.query(select);
                batch_keys = std::stoll(next.rows.front()[0].value_or("0"));
                batch_rows = 0;
                if (batch_keys > 0) {
                    batch_last = next.rows.front()[1].value_or("");
                    // Of the batch's rows, those `where` still selects.
                    statement =
                        fmt::format("UPDATE {} SET {} WHERE {}{} <= {} AND {}", table, job.set,
                                    after, key, key_literal(batch_last), job.where);
                    batch_rows = static_cast<long long>(connection_.execute(statement));
                    execute(fmt::format("UPDATE {} SET LAST_KEY = {}, ROWS_DONE = {}, UPDATED = "
                                        "{} WHERE {}",
                                        checkpoint.table, dialect_.quote_literal(batch_last),
                                        rows_done + batch_rows, dialect_.quote_literal(now_text()),
                                        checkpoint.identity));
                }
                connection_.commit();
                break;
            } catch (Error& error) {
                if (connection_.in_transaction()) {
                    try {
                        connection_.rollback();
                    } catch (const Error&) {
                        // the original error is what the user needs to see
                    }
                }
                // The batch's transaction is rolled back already: the batch runs again as a
                // whole, so the statement counts as one outside a transaction.
                lint::Recovery recovery =
                    error.kind() == ErrorKind::Database
                        ? dialect_.recover(connection_, statement, error, false)
                        : lint::Recovery{};
                if (recovery.action != lint::Recovery::Action::RetryAfterBackoff ||
                    attempt >= settings_.lock_attempts) {
                    error.set_changeset(changeset.identifier());
                    error.add_context(fmt::format(
                        "{}, batch {}: {} rows migrated and committed so far; the next "
                        "`strata update` resumes after key {}",
                        what, batch, rows_done, last_key.value_or("(none: from the start)")));
                    error.add_context(fmt::format("applying changeSet {} ({})",
                                                  changeset.identifier(), changeset.where.str()));
                    throw;
                }
                auto wait = lock_retry_pause(attempt + 1);
                if (settings_.progress)
                    settings_.progress(fmt::format(
                        "{}, batch {}: lock wait timed out (attempt {} of {}), rolled back; "
                        "trying the batch again in {} ms",
                        what, batch, attempt, settings_.lock_attempts, wait.count()));
                std::this_thread::sleep_for(wait);
            }
        }
        if (batch_keys == 0)
            break;
        last_key = batch_last;
        rows_done += batch_rows;
        rows_this_run += batch_rows;
        total = std::max(total, rows_done);
        if (settings_.progress) {
            double seconds =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
            double rate = seconds > 0 ? static_cast<double>(rows_this_run) / seconds : 0;
            settings_.progress(fmt::format(
                "{}, batch {}: {} of ~{} rows ({}%), {:.0f} rows/s, ETA {}, last key {}", what,
                batch, rows_done, total, total > 0 ? rows_done * 100 / total : 100, rate,
                rate > 0 ? duration_text(static_cast<double>(total - rows_done) / rate) : "?",
                batch_last));
        }
        if (batch_keys < batch_size)
            break;
        if (job.pause.count() > 0)
            std::this_thread::sleep_for(job.pause);
    }

    if (settings_.progress) {
        double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        settings_.progress(fmt::format("{}: done, {} rows in this run ({} in all) in {}", what,
                                       rows_this_run, rows_done, duration_text(seconds)));
    }
    return rows_this_run;
}

void Engine::finish_batches(const BatchCheckpoint& checkpoint, const std::string& record) {
    connection_.begin();
    try {
        execute(record);
        execute(fmt::format("DELETE FROM {} WHERE {}", checkpoint.table, checkpoint.identity));
        connection_.commit();
    } catch (const Error&) {
        if (connection_.in_transaction())
            connection_.rollback();
        throw;
    }
}

} // namespace strata
