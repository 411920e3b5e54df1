// SPDX-License-Identifier: Apache-2.0
// The only file that knows SOCI: every soci_error becomes a strata::Error{Database} here.
#include "strata/core/database.hpp"
#include "strata/error.hpp"

#include <ctime>
#include <fmt/format.h>
#include <regex>
#include <soci/soci.h>

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

class SociConnection final : public Connection {
public:
    explicit SociConnection(const ConnectionSpec& spec)
        : session_(spec.soci_backend, spec.connect_string) {}

    std::uint64_t execute(std::string_view sql) override {
        long long affected = 0;
        guarded(sql, [&] {
            soci::statement statement = (session_.prepare << std::string(sql));
            statement.execute(true);
            affected = statement.get_affected_rows();
        });
        return affected > 0 ? static_cast<std::uint64_t>(affected) : 0;
    }

    ResultSet query(std::string_view sql) override {
        ResultSet result;
        guarded(sql, [&] {
            soci::rowset<soci::row> rows = (session_.prepare << std::string(sql));
            bool first = true;
            for (const soci::row& row : rows) {
                if (first) {
                    for (std::size_t i = 0; i < row.size(); ++i)
                        result.columns.push_back(row.get_properties(i).get_name());
                    first = false;
                }
                Row values;
                values.reserve(row.size());
                for (std::size_t i = 0; i < row.size(); ++i) {
                    if (row.get_indicator(i) == soci::i_null)
                        values.emplace_back(std::nullopt);
                    else
                        values.emplace_back(cell_text(row, i));
                }
                result.rows.push_back(std::move(values));
            }
        });
        return result;
    }

    void begin() override {
        guarded("BEGIN", [&] { session_.begin(); });
        in_transaction_ = true;
    }

    void commit() override {
        in_transaction_ = false;
        guarded("COMMIT", [&] { session_.commit(); });
    }

    void rollback() override {
        in_transaction_ = false;
        guarded("ROLLBACK", [&] { session_.rollback(); });
    }

    [[nodiscard]] bool in_transaction() const override { return in_transaction_; }

private:
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
};

} // namespace

std::string redact(std::string text, std::string_view secret) {
    if (secret.empty())
        return text;
    for (auto at = text.find(secret); at != std::string::npos; at = text.find(secret, at + 5))
        text.replace(at, secret.size(), "*****");
    return text;
}

std::string mask_url(std::string_view url) {
    static const std::regex user_password(R"(^([a-zA-Z][\w+.:-]*://[^/:@]*:)([^@/]*)@)");
    static const std::regex password_parameter(R"(([?&;]password=)([^&;]*))", std::regex::icase);
    std::string masked = std::regex_replace(std::string(url), user_password, "$1*****@");
    return std::regex_replace(masked, password_parameter, "$1*****");
}

std::string url_password(std::string_view url) {
    static const std::regex user_password(R"(^[a-zA-Z][\w+.:-]*://[^/:@]*:([^@/]*)@)");
    static const std::regex password_parameter(R"([?&;]password=([^&;]*))", std::regex::icase);
    std::string text(url);
    std::smatch match;
    if (std::regex_search(text, match, user_password) ||
        std::regex_search(text, match, password_parameter))
        return match[1].str();
    return {};
}

std::unique_ptr<Connection> open_connection(const ConnectionSpec& spec, std::string_view secret) {
    try {
        return std::make_unique<SociConnection>(spec);
    } catch (const soci::soci_error& e) {
        throw Error(
            ErrorKind::Database,
            redact(fmt::format("cannot connect to {}: {}", spec.display, e.get_error_message()),
                   secret),
            {}, "check the URL, the user name and the password, and that the server runs");
    }
}

} // namespace strata
