-- liquibase formatted sql
-- Formatted SQL features in one file; read by the format tests and written back by the
-- round-trip test.

--property name:tbl value:gadget

-- changeset ana:1 context:"dev or test" labels:core runOnChange:true
-- comment: the ${tbl} table
-- validCheckSum: 9:0123456789abcdef0123456789abcdef
-- preconditions onFail:MARK_RAN onError:WARN
-- precondition-sql-check expectedResult:0 SELECT COUNT(*) FROM sqlite_master WHERE name = '${tbl}'
-- precondition-table-exists table:owner schema:main
CREATE TABLE ${tbl} (
    id INTEGER PRIMARY KEY,  -- kept in the SQL and its checksum
    name TEXT
);
-- rollback DROP TABLE ${tbl};

-- changeset ana:2 splitStatements:false endDelimiter:GO rollbackSplitStatements:false
CREATE TRIGGER t_gadget AFTER INSERT ON gadget BEGIN
    UPDATE gadget SET name = upper(name) WHERE id = NEW.id;
END
GO
/* liquibase rollback
DROP TRIGGER t_gadget;
*/

-- changeset "Ben Smith":3 dbms:postgresql runAlways:true failOnError:false stripComments:false
-- precondition-view-exists view:v_gadget
DO $$ BEGIN PERFORM 1; END $$;
-- rollback empty

-- changeset ben:4 runInTransaction:false
INSERT INTO gadget (id, name) VALUES (1, 'it''s');
-- rollback changesetId:1 changesetAuthor:ana
