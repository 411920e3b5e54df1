// SPDX-License-Identifier: Apache-2.0
// The part of MySQL/MariaDB's grammar that decides what a statement locks: ALTER TABLE with
// its comma-separated specifications, CREATE/DROP INDEX, CREATE/DROP/RENAME/TRUNCATE TABLE,
// and which statements are DML. Read from tokens (backquoted names, string literals and
// comments are tokens or skipped, never matched as text), so a keyword inside a literal or a
// comment is never taken for one. Used by lint (lint.cpp) and by the online execution of the
// change types (online_alter.cpp) alike.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace strata::dialect::mysql {

struct Token {
    enum class Kind {
        Word,   ///< a keyword or an unquoted name, as written
        Name,   ///< a `backquoted` name, without its quotes
        String, ///< a '...' or "..." literal, without its quotes
        Number,
        Symbol, ///< one character of punctuation: ( ) , . = ; ...
    };
    Kind kind = Kind::Symbol;
    std::string text;
    std::size_t begin = 0; ///< where it starts in the statement
    std::size_t end = 0;   ///< one past where it ends

    /// A keyword, compared case-insensitively (a backquoted name is never a keyword).
    [[nodiscard]] bool is(std::string_view keyword) const;
    [[nodiscard]] bool is_symbol(char symbol) const;
    /// A name: unquoted words and backquoted names.
    [[nodiscard]] bool is_name() const { return kind == Kind::Word || kind == Kind::Name; }
};

/// The tokens of one statement; comments (-- , #, /* */) are skipped. Never throws: an
/// unterminated literal or comment ends at the end of the text.
std::vector<Token> tokenize(std::string_view sql);

/// What one specification of an ALTER TABLE does.
enum class AlterAction {
    AddColumn,
    DropColumn,
    ModifyColumn, ///< MODIFY c <definition>
    ChangeColumn, ///< CHANGE old new <definition>
    RenameColumn,
    ColumnDefault, ///< ALTER [COLUMN] c SET DEFAULT ... / DROP DEFAULT
    AddIndex,
    AddUnique,
    AddFulltext,
    AddSpatial,
    AddPrimaryKey,
    AddForeignKey,
    AddCheck,
    DropPrimaryKey,
    DropIndex,
    DropForeignKey,
    DropConstraint,
    RenameIndex,
    RenameTable,
    Rebuild, ///< FORCE, ENGINE=, ROW_FORMAT=: the table is recreated
    ConvertCharset,
    TableOption, ///< COMMENT=, AUTO_INCREMENT=, DEFAULT CHARSET=: metadata only
    Other,
};

/// A column definition as written after its name.
struct ColumnDefinition {
    std::string type;    ///< upper case, without spaces: INT, VARCHAR(50), ENUM('A','B'), ...
    std::string charset; ///< CHARACTER SET / CHARSET, lower case; "" when not written
    std::optional<bool> not_null;
    enum class Default { None, Literal, CurrentTime, Expression };
    Default default_kind = Default::None;
    bool auto_increment = false;
    bool stored_generated = false; ///< AS (...) STORED / PERSISTENT
    bool unique = false;           ///< inline UNIQUE [KEY]
    bool primary_key = false;      ///< inline PRIMARY KEY
};

struct AlterSpec {
    AlterAction action = AlterAction::Other;
    std::string column;   ///< the column added, dropped, modified, renamed (its old name)
    std::string new_name; ///< CHANGE/RENAME COLUMN's new name, RENAME TO's table, RENAME INDEX's
    ColumnDefinition definition;      ///< ADD COLUMN, MODIFY, CHANGE
    std::vector<std::string> columns; ///< the columns of ADD INDEX/KEY/CONSTRAINT
};

enum class StatementKind {
    AlterTable,
    CreateIndex,
    DropIndex,
    CreateTable,
    DropTable,
    RenameTable,
    Truncate,
    OtherDdl, ///< another statement that commits implicitly (CREATE VIEW, DROP PROCEDURE, ...)
    Dml,      ///< INSERT, UPDATE, DELETE, REPLACE, LOAD DATA, SELECT ... FOR UPDATE
    Other,    ///< SET, SELECT, transaction control, ...
};

struct ParsedStatement {
    StatementKind kind = StatementKind::Other;
    /// The tables it is about, names without their schema: one for ALTER/CREATE INDEX/DROP
    /// INDEX/CREATE TABLE; every one for DROP TABLE; RENAME TABLE's old names.
    std::vector<std::string> tables;
    std::vector<std::string> renamed_to;  ///< RENAME TABLE's new names, in order
    std::string index;                    ///< CREATE/DROP INDEX's index
    std::vector<AlterSpec> specs;         ///< ALTER TABLE's; CREATE INDEX's one ADD
    std::optional<std::string> algorithm; ///< ALGORITHM= as written, upper case
    std::optional<std::string> lock;      ///< LOCK= as written, upper case
    bool temporary = false;               ///< CREATE/DROP TEMPORARY TABLE
};

ParsedStatement parse_statement(std::string_view sql);

/// Whether the statement commits the transaction before it runs (MariaDB 10.11, measured:
/// DDL commits pending DML even when it then fails or is refused; CREATE TEMPORARY TABLE
/// does not).
bool commits_implicitly(const ParsedStatement& statement);

} // namespace strata::dialect::mysql
