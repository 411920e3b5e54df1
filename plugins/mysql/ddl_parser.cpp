// SPDX-License-Identifier: Apache-2.0
// A tokenizer and a small recursive reader for the DDL grammar that decides locks on
// MySQL/MariaDB (see ddl_parser.hpp).
#include "ddl_parser.hpp"

#include <cctype>
#include <strata/text.hpp>

namespace strata::dialect::mysql {

bool Token::is(std::string_view keyword) const {
    return kind == Kind::Word && to_upper(text) == to_upper(keyword);
}

bool Token::is_symbol(char symbol) const {
    return kind == Kind::Symbol && text.size() == 1 && text[0] == symbol;
}

namespace {

bool word_char(char c) {
    auto u = static_cast<unsigned char>(c);
    return std::isalnum(u) != 0 || c == '_' || c == '$' || u >= 0x80;
}

} // namespace

std::vector<Token> tokenize(std::string_view sql) {
    std::vector<Token> tokens;
    std::size_t i = 0;
    const std::size_t n = sql.size();
    while (i < n) {
        char c = sql[i];
        if (std::isspace(static_cast<unsigned char>(c)) != 0) {
            ++i;
            continue;
        }
        // "-- " needs a space (or the end) after the dashes: "a--1" is arithmetic.
        if (c == '#' ||
            (c == '-' && i + 1 < n && sql[i + 1] == '-' &&
             (i + 2 >= n || std::isspace(static_cast<unsigned char>(sql[i + 2])) != 0))) {
            while (i < n && sql[i] != '\n')
                ++i;
            continue;
        }
        if (c == '/' && i + 1 < n && sql[i + 1] == '*') {
            if (i + 2 < n && sql[i + 2] == '!') {
                // An executable comment /*!50100 ... */ runs its content: read it as SQL.
                i += 3;
                while (i < n && std::isdigit(static_cast<unsigned char>(sql[i])) != 0)
                    ++i;
                continue;
            }
            std::size_t close = sql.find("*/", i + 2);
            i = close == std::string_view::npos ? n : close + 2;
            continue;
        }
        if (c == '*' && i + 1 < n && sql[i + 1] == '/') { // the end of an executable comment
            i += 2;
            continue;
        }
        Token token;
        token.begin = i;
        if (c == '`' || c == '\'' || c == '"') {
            token.kind = c == '`' ? Token::Kind::Name : Token::Kind::String;
            ++i;
            while (i < n) {
                if (sql[i] == '\\' && c != '`' && i + 1 < n) {
                    token.text += sql[i + 1];
                    i += 2;
                    continue;
                }
                if (sql[i] == c) {
                    if (i + 1 < n && sql[i + 1] == c) { // a doubled quote is one quote
                        token.text += c;
                        i += 2;
                        continue;
                    }
                    ++i;
                    break;
                }
                token.text += sql[i++];
            }
        } else if (word_char(c)) {
            while (i < n && word_char(sql[i]))
                ++i;
            // 1.5 and 1e3 are numbers; 1abc is a name (MySQL allows names starting with digits)
            token.text = std::string(sql.substr(token.begin, i - token.begin));
            bool digits = true;
            for (char d : token.text)
                digits = digits && std::isdigit(static_cast<unsigned char>(d)) != 0;
            token.kind = digits ? Token::Kind::Number : Token::Kind::Word;
            if (digits && i + 1 < n && sql[i] == '.' &&
                std::isdigit(static_cast<unsigned char>(sql[i + 1])) != 0) {
                ++i;
                while (i < n && std::isdigit(static_cast<unsigned char>(sql[i])) != 0)
                    ++i;
                token.text = std::string(sql.substr(token.begin, i - token.begin));
            }
        } else {
            token.kind = Token::Kind::Symbol;
            token.text = std::string(1, c);
            ++i;
        }
        token.end = i;
        tokens.push_back(std::move(token));
    }
    return tokens;
}

namespace {

// Walks the tokens of one statement.
class Reader {
public:
    explicit Reader(const std::vector<Token>& tokens, std::size_t begin = 0,
                    std::size_t end = std::string::npos)
        : tokens_(tokens), at_(begin), end_(std::min(end, tokens.size())) {}

    [[nodiscard]] bool done() const { return at_ >= end_; }
    [[nodiscard]] const Token* peek(std::size_t ahead = 0) const {
        return at_ + ahead < end_ ? &tokens_[at_ + ahead] : nullptr;
    }
    [[nodiscard]] bool next_is(std::string_view keyword, std::size_t ahead = 0) const {
        const Token* token = peek(ahead);
        return token != nullptr && token->is(keyword);
    }
    [[nodiscard]] bool next_is_symbol(char symbol) const {
        const Token* token = peek();
        return token != nullptr && token->is_symbol(symbol);
    }
    bool accept(std::string_view keyword) {
        if (!next_is(keyword))
            return false;
        ++at_;
        return true;
    }
    bool accept_symbol(char symbol) {
        if (!next_is_symbol(symbol))
            return false;
        ++at_;
        return true;
    }
    const Token* take() { return done() ? nullptr : &tokens_[at_++]; }
    [[nodiscard]] std::size_t position() const { return at_; }

    void skip_if_exists() {
        if (next_is("IF") && next_is("EXISTS", 1))
            at_ += 2;
        else if (next_is("IF") && next_is("NOT", 1) && next_is("EXISTS", 2))
            at_ += 3;
    }

    // [schema.]name: the name without its schema.
    std::string object_name() {
        const Token* first = take();
        if (first == nullptr || !first->is_name())
            return {};
        std::string name = first->text;
        while (accept_symbol('.')) {
            const Token* part = take();
            if (part == nullptr)
                break;
            name = part->text;
        }
        return name;
    }

    // A parenthesised group, skipped whole; returns the top-level names in it (an index's
    // columns), without lengths and ASC/DESC.
    std::vector<std::string> group() {
        std::vector<std::string> names;
        if (!accept_symbol('('))
            return names;
        int depth = 1;
        bool item_start = true;
        while (!done() && depth > 0) {
            const Token* token = take();
            if (token->is_symbol('('))
                ++depth;
            else if (token->is_symbol(')'))
                --depth;
            else if (depth == 1 && token->is_symbol(','))
                item_start = true;
            else if (depth == 1 && item_start && token->is_name()) {
                names.push_back(token->text);
                item_start = false;
            }
        }
        return names;
    }

    // ALGORITHM [=] x / LOCK [=] x, when next; true when one was read.
    bool online_option(std::optional<std::string>& algorithm, std::optional<std::string>& lock) {
        std::optional<std::string>* target = next_is("ALGORITHM") ? &algorithm
                                             : next_is("LOCK")    ? &lock
                                                                  : nullptr;
        if (target == nullptr)
            return false;
        ++at_;
        accept_symbol('=');
        if (const Token* value = take())
            *target = to_upper(value->text);
        return true;
    }

private:
    const std::vector<Token>& tokens_;
    std::size_t at_;
    std::size_t end_;
};

ColumnDefinition read_definition(Reader& in) {
    ColumnDefinition definition;
    // The type: its name, its parameters, and the words that belong to it.
    if (const Token* name = in.take())
        definition.type = to_upper(name->text);
    if (in.next_is_symbol('(')) {
        definition.type += '(';
        in.take();
        int depth = 1;
        while (!in.done() && depth > 0) {
            const Token* token = in.take();
            if (token->is_symbol('('))
                ++depth;
            else if (token->is_symbol(')'))
                --depth;
            if (depth == 0)
                break;
            definition.type += token->kind == Token::Kind::String ? "'" + token->text + "'"
                                                                  : to_upper(token->text);
        }
        definition.type += ')';
    }
    while (in.next_is("UNSIGNED") || in.next_is("SIGNED") || in.next_is("ZEROFILL"))
        definition.type += " " + to_upper(in.take()->text);

    while (!in.done()) {
        if (in.accept("NOT")) {
            if (in.accept("NULL"))
                definition.not_null = true;
        } else if (in.accept("NULL")) {
            definition.not_null = false;
        } else if (in.accept("DEFAULT")) {
            const Token* value = in.peek();
            if (value == nullptr)
                break;
            if (value->is_symbol('(')) {
                definition.default_kind = ColumnDefinition::Default::Expression;
                in.group();
                continue;
            }
            in.take();
            bool call = in.next_is_symbol('(');
            if (value->is("CURRENT_TIMESTAMP") || value->is("NOW") || value->is("LOCALTIME") ||
                value->is("LOCALTIMESTAMP") || value->is("CURRENT_DATE") ||
                value->is("CURRENT_TIME")) {
                definition.default_kind = ColumnDefinition::Default::CurrentTime;
            } else if (value->kind == Token::Kind::Word && call) {
                definition.default_kind = ColumnDefinition::Default::Expression;
            } else {
                definition.default_kind = ColumnDefinition::Default::Literal;
                // -1, +1, b'01', x'0A', _utf8mb4'x': one literal in two tokens
                if (value->is_symbol('-') || value->is_symbol('+') ||
                    (value->kind == Token::Kind::Word && in.peek() != nullptr &&
                     in.peek()->kind == Token::Kind::String))
                    in.take();
            }
            if (call)
                in.group();
        } else if (in.accept("AUTO_INCREMENT")) {
            definition.auto_increment = true;
        } else if (in.accept("UNIQUE")) {
            definition.unique = true;
            in.accept("KEY");
        } else if (in.accept("PRIMARY")) {
            in.accept("KEY");
            definition.primary_key = true;
        } else if (in.accept("CHARACTER") || in.accept("CHARSET")) {
            in.accept("SET");
            if (const Token* charset = in.take())
                definition.charset = to_lower(charset->text);
        } else if (in.accept("AS")) {
            in.group();
            if (in.next_is("STORED") || in.next_is("PERSISTENT"))
                definition.stored_generated = true;
        } else {
            in.take();
            if (in.next_is_symbol('('))
                in.group(); // CHECK (...), REFERENCES t (...), ON UPDATE NOW()
        }
    }
    return definition;
}

AlterSpec read_add(Reader& in) {
    AlterSpec spec;
    // CONSTRAINT [name]: the name is there unless the kind of constraint follows at once.
    if (in.accept("CONSTRAINT") && !in.next_is("UNIQUE") && !in.next_is("PRIMARY") &&
        !in.next_is("FOREIGN") && !in.next_is("CHECK"))
        in.take();
    auto index_columns = [&](AlterAction action) {
        spec.action = action;
        if (!in.accept("INDEX"))
            in.accept("KEY");
        in.skip_if_exists();
        // An optional index name, then the columns.
        if (!in.next_is_symbol('(') && !in.done())
            in.take();
        if (in.accept("USING"))
            in.take();
        spec.columns = in.group();
    };
    if (in.next_is("INDEX") || in.next_is("KEY")) {
        index_columns(AlterAction::AddIndex);
    } else if (in.accept("UNIQUE")) {
        index_columns(AlterAction::AddUnique);
    } else if (in.accept("FULLTEXT")) {
        index_columns(AlterAction::AddFulltext);
    } else if (in.accept("SPATIAL")) {
        index_columns(AlterAction::AddSpatial);
    } else if (in.accept("PRIMARY")) {
        in.accept("KEY");
        if (in.accept("USING"))
            in.take();
        spec.action = AlterAction::AddPrimaryKey;
        spec.columns = in.group();
    } else if (in.accept("FOREIGN")) {
        in.accept("KEY");
        spec.action = AlterAction::AddForeignKey;
        if (!in.next_is_symbol('(') && !in.done())
            in.take();
        spec.columns = in.group();
    } else if (in.accept("CHECK")) {
        spec.action = AlterAction::AddCheck;
    } else if (in.next_is("PERIOD") || in.next_is("SYSTEM") || in.next_is("PARTITION")) {
        spec.action = AlterAction::Other;
    } else {
        in.accept("COLUMN");
        in.skip_if_exists();
        spec.action = AlterAction::AddColumn;
        in.accept_symbol('('); // ADD (a INT, b INT): the first one stands for all
        if (const Token* name = in.take())
            spec.column = name->text;
        spec.definition = read_definition(in);
    }
    return spec;
}

AlterSpec read_drop(Reader& in) {
    AlterSpec spec;
    if (in.accept("PRIMARY")) {
        spec.action = AlterAction::DropPrimaryKey;
        return spec;
    }
    if (in.accept("INDEX") || in.accept("KEY"))
        spec.action = AlterAction::DropIndex;
    else if (in.accept("FOREIGN") && in.accept("KEY"))
        spec.action = AlterAction::DropForeignKey;
    else if (in.accept("CONSTRAINT") || in.accept("CHECK"))
        spec.action = AlterAction::DropConstraint;
    else if (in.next_is("PARTITION") || in.next_is("PERIOD") || in.next_is("SYSTEM"))
        return spec;
    else {
        in.accept("COLUMN");
        spec.action = AlterAction::DropColumn;
    }
    in.skip_if_exists();
    if (const Token* name = in.take()) {
        if (spec.action == AlterAction::DropColumn)
            spec.column = name->text;
        else
            spec.new_name = name->text; // the index or constraint
    }
    return spec;
}

AlterSpec read_spec(Reader& in) {
    AlterSpec spec;
    if (in.accept("ADD"))
        return read_add(in);
    if (in.accept("DROP"))
        return read_drop(in);
    if (in.accept("MODIFY") || in.next_is("CHANGE")) {
        bool change = in.accept("CHANGE");
        in.accept("COLUMN");
        in.skip_if_exists();
        spec.action = change ? AlterAction::ChangeColumn : AlterAction::ModifyColumn;
        if (const Token* name = in.take())
            spec.column = name->text;
        if (change) {
            if (const Token* name = in.take())
                spec.new_name = name->text;
        }
        spec.definition = read_definition(in);
        return spec;
    }
    if (in.accept("RENAME")) {
        if (in.accept("COLUMN") || in.next_is("INDEX") || in.next_is("KEY")) {
            bool index = in.accept("INDEX") || in.accept("KEY");
            spec.action = index ? AlterAction::RenameIndex : AlterAction::RenameColumn;
            if (const Token* name = in.take())
                spec.column = name->text;
            in.accept("TO");
            if (const Token* name = in.take())
                spec.new_name = name->text;
            return spec;
        }
        if (!in.accept("TO"))
            in.accept("AS");
        spec.action = AlterAction::RenameTable;
        spec.new_name = in.object_name();
        return spec;
    }
    if (in.accept("ALTER")) {
        if (in.next_is("INDEX") || in.next_is("KEY"))
            return spec; // [NOT] IGNORED
        in.accept("COLUMN");
        spec.action = AlterAction::ColumnDefault;
        if (const Token* name = in.take())
            spec.column = name->text;
        return spec;
    }
    if (in.next_is("FORCE") || in.next_is("ENGINE") || in.next_is("ROW_FORMAT") ||
        in.next_is("ORDER")) {
        spec.action = AlterAction::Rebuild;
        return spec;
    }
    if (in.next_is("CONVERT")) {
        spec.action = AlterAction::ConvertCharset;
        return spec;
    }
    if (in.next_is("COMMENT") || in.next_is("AUTO_INCREMENT") || in.next_is("DEFAULT") ||
        in.next_is("CHARACTER") || in.next_is("CHARSET") || in.next_is("COLLATE")) {
        spec.action = AlterAction::TableOption;
        return spec;
    }
    return spec;
}

// The top-level comma-separated items from `begin` to the end, each read by `item`.
template <typename Item>
void for_each_item(const std::vector<Token>& tokens, std::size_t begin, Item&& item) {
    int depth = 0;
    std::size_t start = begin;
    for (std::size_t i = begin; i <= tokens.size(); ++i) {
        bool end = i == tokens.size() || tokens[i].is_symbol(';');
        if (!end && tokens[i].is_symbol('('))
            ++depth;
        else if (!end && tokens[i].is_symbol(')'))
            --depth;
        if (end || (depth == 0 && tokens[i].is_symbol(','))) {
            if (i > start)
                item(Reader(tokens, start, i));
            start = i + 1;
            if (end)
                break;
        }
    }
}

void read_alter_table(Reader& in, const std::vector<Token>& tokens, ParsedStatement& statement) {
    in.skip_if_exists();
    statement.tables.push_back(in.object_name());
    if (in.accept("WAIT"))
        in.take();
    else
        in.accept("NOWAIT");
    for_each_item(tokens, in.position(), [&](Reader item) {
        // ALGORITHM and LOCK are items of their own; a table option list may hold several
        // words without commas (ENGINE=InnoDB ROW_FORMAT=DYNAMIC): the first one decides.
        if (item.online_option(statement.algorithm, statement.lock)) {
            while (!item.done() && item.online_option(statement.algorithm, statement.lock))
                ;
            return;
        }
        AlterSpec spec = read_spec(item);
        statement.specs.push_back(std::move(spec));
    });
}

void read_create(Reader& in, ParsedStatement& statement) {
    if (in.accept("OR"))
        in.accept("REPLACE");
    if (in.accept("TEMPORARY"))
        statement.temporary = true;
    if (in.accept("TABLE")) {
        statement.kind = StatementKind::CreateTable;
        in.skip_if_exists();
        statement.tables.push_back(in.object_name());
        return;
    }
    AlterAction action = AlterAction::AddIndex;
    if (in.accept("UNIQUE"))
        action = AlterAction::AddUnique;
    else if (in.accept("FULLTEXT"))
        action = AlterAction::AddFulltext;
    else if (in.accept("SPATIAL"))
        action = AlterAction::AddSpatial;
    if (!in.accept("INDEX")) {
        statement.kind = StatementKind::OtherDdl;
        return;
    }
    statement.kind = StatementKind::CreateIndex;
    in.skip_if_exists();
    if (const Token* name = in.take())
        statement.index = name->text;
    if (in.accept("USING"))
        in.take();
    in.accept("ON");
    statement.tables.push_back(in.object_name());
    AlterSpec spec;
    spec.action = action;
    spec.columns = in.group();
    statement.specs.push_back(std::move(spec));
    while (!in.done()) {
        if (!in.online_option(statement.algorithm, statement.lock))
            in.take();
    }
}

} // namespace

ParsedStatement parse_statement(std::string_view sql) {
    std::vector<Token> tokens = tokenize(sql);
    ParsedStatement statement;
    Reader in(tokens);
    const Token* first = in.take();
    if (first == nullptr)
        return statement;
    if (first->is("ALTER")) {
        if (in.accept("ONLINE")) // MariaDB: the same as LOCK=NONE (measured)
            statement.lock = "NONE";
        in.accept("IGNORE");
        if (in.accept("TABLE")) {
            statement.kind = StatementKind::AlterTable;
            read_alter_table(in, tokens, statement);
        } else {
            statement.kind = StatementKind::OtherDdl;
        }
    } else if (first->is("CREATE")) {
        read_create(in, statement);
    } else if (first->is("DROP")) {
        if (in.accept("TEMPORARY"))
            statement.temporary = true;
        if (in.accept("TABLE") || in.accept("TABLES")) {
            statement.kind = StatementKind::DropTable;
            in.skip_if_exists();
            do {
                statement.tables.push_back(in.object_name());
            } while (in.accept_symbol(','));
        } else if (in.accept("INDEX")) {
            statement.kind = StatementKind::DropIndex;
            in.skip_if_exists();
            if (const Token* name = in.take())
                statement.index = name->text;
            in.accept("ON");
            statement.tables.push_back(in.object_name());
            AlterSpec spec;
            spec.action = AlterAction::DropIndex;
            spec.new_name = statement.index;
            statement.specs.push_back(std::move(spec));
        } else {
            statement.kind = StatementKind::OtherDdl;
        }
    } else if (first->is("RENAME")) {
        if (in.accept("TABLE") || in.accept("TABLES")) {
            statement.kind = StatementKind::RenameTable;
            do {
                statement.tables.push_back(in.object_name());
                in.accept("TO");
                statement.renamed_to.push_back(in.object_name());
            } while (in.accept_symbol(','));
        } else {
            statement.kind = StatementKind::OtherDdl;
        }
    } else if (first->is("TRUNCATE")) {
        in.accept("TABLE");
        statement.kind = StatementKind::Truncate;
        statement.tables.push_back(in.object_name());
    } else if (first->is("INSERT") || first->is("UPDATE") || first->is("DELETE") ||
               first->is("REPLACE") || first->is("LOAD")) {
        statement.kind = StatementKind::Dml;
    } else if (first->is("GRANT") || first->is("REVOKE")) {
        statement.kind = StatementKind::OtherDdl;
    }
    return statement;
}

bool commits_implicitly(const ParsedStatement& statement) {
    switch (statement.kind) {
    case StatementKind::CreateTable:
    case StatementKind::DropTable:
        return !statement.temporary;
    case StatementKind::AlterTable:
    case StatementKind::CreateIndex:
    case StatementKind::DropIndex:
    case StatementKind::RenameTable:
    case StatementKind::Truncate:
    case StatementKind::OtherDdl:
        return true;
    case StatementKind::Dml:
    case StatementKind::Other:
        return false;
    }
    return false;
}

} // namespace strata::dialect::mysql
