// SPDX-License-Identifier: Apache-2.0
// Which ALGORITHM and LOCK an ALTER gets on MariaDB, from the matrix measured on 10.11.19
// (../shared/research/mariadb1011-alter-algorithms.md, 79 ALTER kinds): the one place that
// knows it, read by lint (what a change will lock) and by online execution (which form to
// ask the server for first, and which next when it refuses).
#pragma once

#include "ddl_parser.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace strata::dialect::mysql {

/// In the order the server tries them: each is a floor (INPLACE on an instant change runs
/// instantly, measured).
enum class Algorithm { Instant, Nocopy, Inplace, Copy };
enum class LockLevel { None, Shared, Exclusive };

std::string_view algorithm_name(Algorithm algorithm);
std::string_view lock_name(LockLevel lock);

struct OnlineForm {
    Algorithm algorithm = Algorithm::Instant;
    LockLevel lock = LockLevel::None;

    /// COPY always blocks writes (10.11 has no online COPY); LOCK=SHARED and EXCLUSIVE do.
    [[nodiscard]] bool blocks_writes() const {
        return algorithm == Algorithm::Copy || lock != LockLevel::None;
    }
    [[nodiscard]] std::string describe() const;
};

/// What the server supports, from VERSION(): MariaDB 10.3+ has INSTANT and NOCOPY (10.4+
/// instant DROP and reorder), MySQL 8.0.12+ has INSTANT, older servers INPLACE and COPY.
struct ServerFeatures {
    bool mariadb = true;
    int major = 10;
    int minor = 11;
    int patch = 0;

    static ServerFeatures from_version(std::string_view version);
    [[nodiscard]] bool has_instant() const;
    [[nodiscard]] bool has_nocopy() const { return mariadb && (major > 10 || minor >= 3); }
    /// Instant DROP COLUMN and column reorder (MariaDB 10.4+, MySQL 8.0.29+).
    [[nodiscard]] bool instant_drop() const;
    /// The server the matrix was measured on: MariaDB 10.11 or later.
    [[nodiscard]] bool measured() const { return mariadb && (major > 10 || minor >= 11); }
};

/// A column as the server has it (information_schema.COLUMNS).
struct ColumnFacts {
    std::string type; ///< COLUMN_TYPE, upper case
    bool nullable = true;
    bool auto_increment = false;
    std::string charset; ///< lower case, "" for non-character columns
};

/// What the matrix depends on besides the statement; `exists` false when unknown (no
/// connection, or the table does not exist yet).
struct TableFacts {
    bool exists = false;
    std::uint64_t bytes = 0; ///< DATA_LENGTH + INDEX_LENGTH (InnoDB's estimate)
    std::string row_format;  ///< upper case: DYNAMIC, COMPACT, REDUNDANT, COMPRESSED
    bool has_fulltext = false;
    std::map<std::string, ColumnFacts> columns; ///< by lower-case name
    std::set<std::string> indexed;              ///< lower-case names of indexed columns
    std::set<std::string> primary;              ///< lower-case names of primary key columns
};

/// A size for people: "16 KiB", "61.6 MiB".
std::string byte_size(std::uint64_t bytes);

/// The predicted form of one statement.
struct Prediction {
    bool known = false; ///< false: nothing the matrix covers (no finding, INPLACE as a guard)
    OnlineForm form;
    bool rebuild = false;  ///< the table is rebuilt (INPLACE rebuild or COPY)
    bool certain = true;   ///< false: a fact it depends on is unknown (no live column)
    bool combined = false; ///< instant column work and an index build in one statement
    std::string why;       ///< what decides the form, in the user's terms
};

Prediction predict(const ParsedStatement& statement, const TableFacts& table,
                   const ServerFeatures& server);

/// The form to ask for first: the predicted one when it is online, else the best online
/// form (INPLACE, LOCK=NONE), which the server refuses in ~0.05 s without waiting for a lock
/// when the change cannot run that way. Unknown statements get INPLACE, LOCK=NONE too: a
/// floor that lets instant changes be instant and refuses a silent COPY.
OnlineForm first_form(const Prediction& prediction);

/// The form the server asks for when it refused `tried` with `message` ("... is not
/// supported ... Try ALGORITHM=COPY", "Try LOCK=SHARED", "Unknown ALGORITHM"); nullopt when
/// the message is no such refusal or nothing is left to try.
std::optional<OnlineForm> next_form(const OnlineForm& tried, std::string_view message);

/// ", ALGORITHM=X, LOCK=Y" for ALTER TABLE, " ALGORITHM=X LOCK=Y" for CREATE INDEX, in the
/// words the server knows (INSTANT and NOCOPY become INPLACE where it has none). INSTANT
/// names no LOCK (RENAME TO refuses LOCK=NONE).
std::string online_clause(StatementKind kind, const OnlineForm& form, const ServerFeatures& server);

} // namespace strata::dialect::mysql
