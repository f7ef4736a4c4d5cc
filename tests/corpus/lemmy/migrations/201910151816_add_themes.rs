// migrations/2019-10-15-181630_add_themes/up.sql, down.sql
// expect: compiles
// why: columns that are nullable or have a constant default: catalog-only on PostgreSQL 11+
schemaflow::migration! {
    sql r###"ALTER TABLE user_
    ADD COLUMN theme varchar(20) DEFAULT 'darkly' NOT NULL;

"###
        down r###"ALTER TABLE user_
    DROP COLUMN theme;

"###;
}
