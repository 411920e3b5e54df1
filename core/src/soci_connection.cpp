// SPDX-License-Identifier: Apache-2.0
// The only file that knows SOCI: every soci_error becomes a strata::Error{Database} here.
#include "strata/core/database.hpp"
#include "strata/core/row_stream.hpp"
#include "strata/error.hpp"

#include <ctime>
#include <fmt/format.h>
#include <soci/soci.h>
#include <utility>

namespace strata {
namespace {

std::string cell_text(const soci::row& row, std::size_t i) {
    switch (row.get_properties(i).get_data_type()) {
    case soci::dt_string:
    case soci::dt_xml:
        return row.get<std::string>(i);
    case soci::dt_double:
        return fmt::format("{}", row.get<double>(i));
    case soci::dt_integer:
        return std::to_string(row.get<int>(i));
    case soci::dt_long_long:
        return std::to_string(row.get<long long>(i));
    case soci::dt_unsigned_long_long:
        return std::to_string(row.get<unsigned long long>(i));
    case soci::dt_date: {
        std::tm tm = row.get<std::tm>(i);
        char buffer[32];
        std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M:%S", &tm);
        return buffer;
    }
    case soci::dt_blob:
        return "<blob>";
    }
    return {};
}

class SociConnection final : public Connection, public RowStream {
public:
    explicit SociConnection(const ConnectionSpec& spec)
        : session_(spec.soci_backend, spec.connect_string),
          begin_with_next_statement_(spec.soci_backend == "postgresql") {}

    std::uint64_t execute(std::string_view sql) override {
        long long affected = 0;
        guarded(sql, [&] {
            soci::statement statement = one_time(with_pending_begin(sql));
            statement.define_and_bind();
            statement.execute(true);
            affected = statement.get_affected_rows();
        });
        return affected > 0 ? static_cast<std::uint64_t>(affected) : 0;
    }

    ResultSet query(std::string_view sql) override {
        ResultSet result;
        fetch(
            sql,
            [&](const soci::row& row) {
                for (std::size_t i = 0; i < row.size(); ++i)
                    result.columns.push_back(row.get_properties(i).get_name());
            },
            [&](Row& values) { result.rows.push_back(std::move(values)); });
        return result;
    }

    void query_each(std::string_view sql, const std::function<void(Row&)>& each) override {
        fetch(
            sql, [](const soci::row&) {}, each);
    }

    void begin() override {
        if (begin_with_next_statement_)
            begin_pending_ = true;
        else
            guarded("BEGIN", [&] { session_.begin(); });
        in_transaction_ = true;
    }

    void commit() override {
        in_transaction_ = false;
        if (std::exchange(begin_pending_, false))
            return; // nothing ran in it
        guarded("COMMIT", [&] { session_.commit(); });
    }

    void rollback() override {
        in_transaction_ = false;
        if (std::exchange(begin_pending_, false))
            return;
        guarded("ROLLBACK", [&] { session_.rollback(); });
    }

    [[nodiscard]] bool in_transaction() const override { return in_transaction_; }

private:
    // Sent as it is, in one round trip: a statement SOCI prepares (as `session.prepare <<`
    // does) costs PostgreSQL three (PREPARE, EXECUTE, DEALLOCATE), and strata runs each
    // statement once.
    soci::statement one_time(std::string_view sql) {
        soci::statement statement(session_);
        statement.alloc();
        statement.prepare(std::string(sql), soci::details::st_one_time_query);
        return statement;
    }

    // PostgreSQL runs "BEGIN; <statement>" sent as one simple query as the two would run one
    // after the other (a failing statement leaves the transaction aborted, to be rolled back),
    // so the BEGIN of a changeset's transaction travels with its first statement: one round
    // trip fewer per changeset. SQLite's and MySQL's clients run one statement per call.
    std::string with_pending_begin(std::string_view sql) {
        if (!std::exchange(begin_pending_, false))
            return std::string(sql);
        return "BEGIN;\n" + std::string(sql);
    }

    // Runs a query, calling `columns` with the first row and `each` with every row.
    template <typename Columns, typename Each>
    void fetch(std::string_view sql, Columns&& columns, Each&& each) {
        guarded(sql, [&] {
            soci::row row;
            soci::statement statement = one_time(with_pending_begin(sql));
            statement.exchange(soci::into(row));
            statement.define_and_bind();
            bool first = true;
            Row values;
            for (bool fetched = statement.execute(true); fetched; fetched = statement.fetch()) {
                if (first) {
                    columns(row);
                    first = false;
                }
                values.resize(row.size());
                for (std::size_t i = 0; i < row.size(); ++i) {
                    if (row.get_indicator(i) == soci::i_null)
                        values[i].reset();
                    else
                        values[i] = cell_text(row, i);
                }
                each(values);
            }
        });
    }

    template <typename Body> void guarded(std::string_view sql, Body&& body) {
        try {
            body();
        } catch (const soci::soci_error& e) {
            Error error(ErrorKind::Database, e.get_error_message());
            error.set_sql(std::string(sql));
            throw error;
        }
    }

    soci::session session_;
    bool in_transaction_ = false;
    bool begin_with_next_statement_;
    bool begin_pending_ = false; // begin() was called, the BEGIN not sent yet
};

} // namespace

std::string mask_url(std::string_view url) {
    // Parsed like a server URL; what does not parse is not shown at all.
    try {
        return parse_server_url(url).display;
    } catch (const Error&) {
        return "(a URL that does not parse)";
    }
}

std::unique_ptr<Connection> open_connection(const ConnectionSpec& spec) {
    try {
        return std::make_unique<SociConnection>(spec);
    } catch (const soci::soci_error& e) {
        // The drivers' messages name the user and the host, never the password: SOCI's own
        // parse errors do not echo the connect string, and every value in it is quoted
        // (connect_string_value), so libpq's and MySQL's never quote a piece of it either.
        throw Error(ErrorKind::Database,
                    fmt::format("cannot connect to {}: {}", spec.display, e.get_error_message()),
                    {}, "check the URL, the user name and the password, and that the server runs");
    }
}

} // namespace strata
