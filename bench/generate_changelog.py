#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A realistic changelog of N changesets for bench/suite.sh, in XML, YAML and JSON, and from
strata's `update-sql` of it the formatted SQL changelog and the raw SQL (with and without the
history inserts) for one database.

The changesets come in groups of ten on one table t<k>: createTable, addColumn, insert,
insert, createIndex, addForeignKeyConstraint (to t<k-1>), insert, renameColumn, addNotNullConstraint, dropColumn;
the foreign key, the NOT NULL and the drop not on SQLite, where Liquibase has no
addForeignKeyConstraint or addNotNullConstraint and its dropColumn leaves the column. Every
changeset rolls back (an explicit rollback for insert and dropColumn), so any rollback-count
works.

usage: generate_changelog.py changelog N DIR
         writes DIR/changelog.xml, changelog.yaml, changelog.json
       generate_changelog.py sql UPDATE_SQL DIR
         reads strata's update-sql output of changelog.xml and writes DIR/changelog.sql (one
         formatted SQL changeset per changeset), DIR/raw.sql (each changeset's statements in a
         transaction of its own) and DIR/raw_history.sql (the same, each with its history
         insert, after the history table's DDL)
"""
import json
import sys
from pathlib import Path

KINDS = ["createTable", "addColumn", "insert", "insert", "createIndex",
         "addForeignKeyConstraint", "insert", "renameColumn", "addNotNullConstraint",
         "dropColumn"]


def changesets(count):
    """(id, dbms or None, change (kind, attributes), rollback change or None) per changeset."""
    result = []
    for i in range(count):
        k, step = divmod(i, len(KINDS))
        kind = KINDS[step]
        table = f"t{k}"
        row_id = {2: 1, 3: 2, 6: 3}.get(step)
        dbms, rollback = None, None
        if kind == "createTable":
            change = {"tableName": table, "columns": [
                {"name": "id", "type": "int", "constraints": {"primaryKey": True}},
                {"name": "parent_id", "type": "int"},
                {"name": "name", "type": "varchar(50)"},
                {"name": "note", "type": "varchar(100)"}]}
        elif kind == "addColumn":
            change = {"tableName": table, "columns": [{"name": "email", "type": "varchar(100)"}]}
        elif kind == "insert":
            # t0's key points at t0 itself: its rows have no parent (a row that is its own
            # parent cannot be deleted on MariaDB).
            parent = [{"name": "parent_id", "valueNumeric": row_id}] if k > 0 else []
            change = {"tableName": table, "columns": [
                {"name": "id", "valueNumeric": row_id}, *parent,
                {"name": "name", "value": f"name {k}.{row_id}"},
                {"name": "email", "value": f"user{k}.{row_id}@example.com"},
                {"name": "note", "value": f"row {row_id} of {table}"}]}
            rollback = ("delete", {"tableName": table, "where": f"id = {row_id}"})
        elif kind == "createIndex":
            change = {"tableName": table, "indexName": f"idx_{table}_name",
                      "columns": [{"name": "name"}]}
        elif kind == "addForeignKeyConstraint":
            parent = f"t{k - 1}" if k > 0 else table
            change = {"baseTableName": table, "baseColumnNames": "parent_id",
                      "constraintName": f"fk_{table}_parent", "referencedTableName": parent,
                      "referencedColumnNames": "id"}
            dbms = "!sqlite"
        elif kind == "renameColumn":
            change = {"tableName": table, "oldColumnName": "note", "newColumnName": "remark",
                      "columnDataType": "varchar(100)"}
        elif kind == "addNotNullConstraint":
            change = {"tableName": table, "columnName": "name", "columnDataType": "varchar(50)"}
            dbms = "!sqlite"
        else:  # dropColumn
            change = {"tableName": table, "columnName": "remark"}
            dbms = "!sqlite"  # Liquibase 4.28 leaves it on SQLite (its rollback then fails)
            rollback = ("addColumn", {"tableName": table,
                                      "columns": [{"name": "remark", "type": "varchar(100)"}]})
        result.append((f"{i + 1}-{kind}-{table}", dbms, (kind, change), rollback))
    return result


def xml_attr(value):
    if value is True:
        return "true"
    return str(value).replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def xml_change(kind, change, indent):
    attributes = " ".join(f'{key}="{xml_attr(value)}"' for key, value in change.items()
                          if key not in ("columns", "where"))
    pad = " " * indent
    if "columns" not in change and "where" not in change:
        return f"{pad}<{kind} {attributes}/>\n"
    text = f"{pad}<{kind} {attributes}>\n"
    for column in change.get("columns", []):
        plain = " ".join(f'{key}="{xml_attr(value)}"' for key, value in column.items()
                         if key != "constraints")
        if "constraints" in column:
            constraints = " ".join(f'{key}="{xml_attr(value)}"'
                                   for key, value in column["constraints"].items())
            text += f"{pad}    <column {plain}><constraints {constraints}/></column>\n"
        else:
            text += f"{pad}    <column {plain}/>\n"
    if "where" in change:
        text += f"{pad}    <where>{xml_attr(change['where'])}</where>\n"
    return text + f"{pad}</{kind}>\n"


def write_xml(sets, path):
    with open(path, "w") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n'
                  '<databaseChangeLog xmlns="http://www.liquibase.org/xml/ns/dbchangelog"\n'
                  '    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"\n'
                  '    xsi:schemaLocation="http://www.liquibase.org/xml/ns/dbchangelog\n'
                  '        http://www.liquibase.org/xml/ns/dbchangelog/dbchangelog-latest.xsd">\n')
        for identifier, dbms, (kind, change), rollback in sets:
            dbms_attribute = f' dbms="{dbms}"' if dbms else ""
            out.write(f'  <changeSet id="{identifier}" author="bench"{dbms_attribute}>\n')
            out.write(xml_change(kind, change, 4))
            if rollback:
                out.write("    <rollback>\n" + xml_change(*rollback, 6) + "    </rollback>\n")
            out.write("  </changeSet>\n")
        out.write("</databaseChangeLog>\n")


def json_change(kind, change):
    body = {key: value for key, value in change.items() if key != "columns"}
    if "columns" in change:
        body["columns"] = [{"column": column} for column in change["columns"]]
    return {kind: body}


def document(sets):
    entries = []
    for identifier, dbms, (kind, change), rollback in sets:
        changeset = {"id": identifier, "author": "bench"}
        if dbms:
            changeset["dbms"] = dbms
        changeset["changes"] = [json_change(kind, change)]
        if rollback:
            changeset["rollback"] = [json_change(*rollback)]
        entries.append({"changeSet": changeset})
    return {"databaseChangeLog": entries}


def yaml_value(value, indent):
    pad = " " * indent
    if isinstance(value, dict):
        return "".join(
            f"{pad}{key}:\n{yaml_value(item, indent + 2)}" if isinstance(item, (dict, list))
            else f"{pad}{key}: {yaml_scalar(item)}\n" for key, item in value.items())
    text = ""
    for item in value:
        block = yaml_value(item, indent + 2)
        text += f"{pad}- {block[indent + 2:]}"
    return text


def yaml_scalar(value):
    if value is True:
        return "true"
    if isinstance(value, int):
        return str(value)
    return json.dumps(value)


def write_changelogs(count, directory):
    sets = changesets(count)
    write_xml(sets, directory / "changelog.xml")
    doc = document(sets)
    with open(directory / "changelog.json", "w") as out:
        json.dump(doc, out, indent=1)
    with open(directory / "changelog.yaml", "w") as out:
        out.write(yaml_value(doc, 0))


def write_sql(update_sql, directory):
    """Splits strata's update-sql output at its '-- Changeset path::id::author' lines."""
    preamble, chunks = [], []
    for line in Path(update_sql).read_text().splitlines():
        if line.startswith("-- Changeset "):
            identifier = line[len("-- Changeset "):].split("::")[1]
            chunks.append((identifier, [], []))
        elif not chunks:
            preamble.append(line)
        elif line.startswith("--") or not line.strip():
            continue
        elif "DATABASECHANGELOG" in line.split("(")[0].upper() and line.upper().startswith(
                ("INSERT", "UPDATE")):
            chunks[-1][2].append(line)
        else:
            chunks[-1][1].append(line)
    # The history table's DDL is in the preamble; the lock table and its row are not needed.
    history_ddl = [line for line in preamble
                   if line.upper().startswith("CREATE TABLE")
                   and "DATABASECHANGELOGLOCK" not in line.upper()]
    with open(directory / "changelog.sql", "w") as out:
        out.write("-- liquibase formatted sql\n")
        for identifier, statements, _ in chunks:
            out.write(f"\n-- changeset bench:{identifier}\n" + "\n".join(statements) + "\n")
    for name, with_history in (("raw.sql", False), ("raw_history.sql", True)):
        with open(directory / name, "w") as out:
            if with_history:
                out.write("\n".join(history_ddl) + "\n")
            for _, statements, history in chunks:
                out.write("BEGIN;\n" + "\n".join(statements) + "\n")
                if with_history:
                    out.write("\n".join(history) + "\n")
                out.write("COMMIT;\n")


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] not in ("changelog", "sql"):
        sys.exit(__doc__)
    target = Path(sys.argv[3])
    target.mkdir(parents=True, exist_ok=True)
    if sys.argv[1] == "changelog":
        write_changelogs(int(sys.argv[2]), target)
    else:
        write_sql(sys.argv[2], target)
