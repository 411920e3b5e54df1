-- liquibase formatted sql

-- The example app of app.xml as formatted SQL. Raw SQL has checksums of its own, unlike the
-- XML ones; ids, authors, contexts and labels are the same. (A comment line may not start
-- with the word "changeset": Liquibase reads that as a malformed --changeset line.)

-- changeset ana:1
-- comment: customers of the shop
CREATE TABLE customer (
    id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    name VARCHAR(100) NOT NULL,
    email VARCHAR(255) UNIQUE,
    active BOOLEAN DEFAULT TRUE,
    created_at DATETIME DEFAULT CURRENT_TIMESTAMP
);
-- rollback DROP TABLE customer;

-- changeset ana:2
CREATE TABLE product (
    id INT NOT NULL PRIMARY KEY,
    title VARCHAR(200) NOT NULL,
    price DECIMAL(12,2) DEFAULT 0
);
CREATE INDEX idx_product_title ON product (title);
-- rollback DROP INDEX idx_product_title;
-- rollback DROP TABLE product;

-- changeset ana:3 labels:seed context:dev
INSERT INTO product (id, title, price) VALUES (1, 'Teapot', 19.50);
-- rollback DELETE FROM product WHERE id = 1;

-- changeset ben:4
-- comment: the release tag lives in the tagDatabase change of the other formats
SELECT 1;
-- rollback empty

-- changeset ben:5
-- comment: customers get a phone number
ALTER TABLE customer ADD phone VARCHAR(32);
-- rollback ALTER TABLE customer DROP COLUMN phone;

-- changeset ben:6
UPDATE customer SET active = 1 WHERE active IS NULL;
-- rollback empty
