#!/usr/bin/env python3
# Generated ONCE, committed as plain files: the "shop" project, changelogs the way a large
# project writes them (a master including one folder per release, contexts per tenant kind,
# dbms-specific changeSets side by side, composite keys, CSV seed data). The differential
# harness applies master.xml with strata and with Liquibase and compares the results.
# Rerun only to change the project: python3 generate.py (rewrites master.xml and releases/).
import os
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
HEAD = '''<?xml version="1.0" encoding="UTF-8"?>
<databaseChangeLog
    xmlns="http://www.liquibase.org/xml/ns/dbchangelog"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xsi:schemaLocation="http://www.liquibase.org/xml/ns/dbchangelog
        http://www.liquibase.org/xml/ns/dbchangelog/dbchangelog-latest.xsd">
'''
TAIL = '</databaseChangeLog>\n'
RELEASES = 8
TENANTS = ['retail', 'wholesale', 'marketplace']
AUTHORS = ['ana', 'ben', 'chloe']


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w', encoding='utf-8') as out:
        out.write(text)


def changeset(cid, author, body, extra=''):
    return f'    <changeSet id="{cid}" author="{author}"{extra}>\n{body}    </changeSet>\n\n'


def release(r):
    name = f'release-1.{r}'
    folder = os.path.join(HERE, 'releases', name)
    author = AUTHORS[r % 3]
    sets = []
    # Catalog tables of the release: a parent with a composite key, a child referencing it.
    for t in range(3):
        table = f'r{r}_item{t}'
        sets.append(changeset(f'{name}-{table}-create', author, f'''        <createTable tableName="{table}">
            <column name="region" type="varchar(8)">
                <constraints primaryKey="true" primaryKeyName="pk_{table}"/>
            </column>
            <column name="code" type="int">
                <constraints primaryKey="true" primaryKeyName="pk_{table}"/>
            </column>
            <column name="label" type="varchar(60)"/>
            <column name="price" type="decimal(10,2)" defaultValueNumeric="0"/>
        </createTable>
'''))
        sets.append(changeset(f'{name}-{table}-seed', author, f'''        <loadData tableName="{table}" file="seed/{table}.csv" relativeToChangelogFile="true">
            <column name="code" type="NUMERIC"/>
            <column name="price" type="NUMERIC"/>
        </loadData>
        <rollback/>
'''))
        rows = ['region,code,label,price'] + [
            f'{region},{code},"{table} {region} #{code}",{(r * 7 + t * 3 + code) % 50}.{code % 100:02d}'
            for region in ('eu', 'us') for code in range(1, 6)]
        write(os.path.join(folder, 'seed', f'{table}.csv'), '\n'.join(rows) + '\n')
        sets.append(changeset(f'{name}-{table}-label-index', author, f'''        <createIndex tableName="{table}" indexName="ix_{table}_label">
            <column name="label"/>
        </createIndex>
'''))
        sets.append(changeset(f'{name}-{table}-stock', author, f'''        <addColumn tableName="{table}">
            <column name="stock" type="int" defaultValueNumeric="0"/>
        </addColumn>
'''))
        sets.append(changeset(f'{name}-{table}-restock', author, f'''        <update tableName="{table}">
            <column name="stock" valueNumeric="{10 + t}"/>
            <where>region = 'eu'</where>
        </update>
        <rollback/>
'''))
    child = f'r{r}_line'
    sets.append(changeset(f'{name}-{child}-create', author, f'''        <createTable tableName="{child}">
            <column name="id" type="int"><constraints primaryKey="true" primaryKeyName="pk_{child}"/></column>
            <column name="region" type="varchar(8)"/>
            <column name="code" type="int"/>
            <column name="quantity" type="int"/>
        </createTable>
'''))
    # Liquibase cannot add a foreign key to an SQLite table: the servers only.
    sets.append(changeset(f'{name}-{child}-fk', author, f'''        <addForeignKeyConstraint baseTableName="{child}" baseColumnNames="region, code"
            referencedTableName="r{r}_item0" referencedColumnNames="region, code"
            constraintName="fk_{child}_item" onDelete="CASCADE"/>
''', ' dbms="postgresql,mariadb"'))
    for i in range(1, 4):
        sets.append(changeset(f'{name}-{child}-row{i}', author, f'''        <insert tableName="{child}">
            <column name="id" valueNumeric="{i}"/>
            <column name="region" value="eu"/>
            <column name="code" valueNumeric="{i}"/>
            <column name="quantity" valueNumeric="{i * r + 1}"/>
        </insert>
        <rollback/>
'''))
    # Per tenant kind: a settings row that only that kind's deployments get.
    for tenant in TENANTS:
        sets.append(changeset(f'{name}-settings-{tenant}', author, f'''        <insert tableName="tenant_setting">
            <column name="tenant_kind" value="{tenant}"/>
            <column name="setting" value="release-1.{r}"/>
            <column name="value" value="{tenant}-{r}"/>
        </insert>
        <rollback/>
''', f' context="{tenant}"'))
    # The same view written per database, side by side.
    for dbms, concat in (('postgresql', "region || '-' || CAST(code AS VARCHAR(10))"),
                         ('sqlite', "region || '-' || code"),
                         ('mariadb', "CONCAT(region, '-', code)")):
        sets.append(changeset(f'{name}-view-{dbms}', author, f'''        <createView viewName="r{r}_item_key">SELECT {concat} AS item_key, label FROM r{r}_item0</createView>
''', f' dbms="{dbms}"'))
    sets.append(changeset(f'{name}-tag', author, f'''        <tagDatabase tag="{name}"/>
'''))
    write(os.path.join(folder, 'changelog.xml'), HEAD + '\n' + ''.join(sets) + TAIL)
    return len(sets)


def main():
    shutil.rmtree(os.path.join(HERE, 'releases'), ignore_errors=True)
    base = changeset('base-tenant-setting', 'ana', '''        <createTable tableName="tenant_setting">
            <column name="tenant_kind" type="varchar(20)">
                <constraints primaryKey="true" primaryKeyName="pk_tenant_setting"/>
            </column>
            <column name="setting" type="varchar(40)">
                <constraints primaryKey="true" primaryKeyName="pk_tenant_setting"/>
            </column>
            <column name="value" type="varchar(80)"/>
        </createTable>
''')
    write(os.path.join(HERE, 'releases', 'base', 'changelog.xml'), HEAD + '\n' + base + TAIL)
    total = 1
    for r in range(RELEASES):
        total += release(r)
    includes = '    <include file="releases/base/changelog.xml" relativeToChangelogFile="true"/>\n'
    includes += ''.join(
        f'    <include file="releases/release-1.{r}/changelog.xml" relativeToChangelogFile="true"/>\n'
        for r in range(RELEASES))
    write(os.path.join(HERE, 'master.xml'), HEAD + includes + TAIL)
    print(f'{total} changeSets')


main()
