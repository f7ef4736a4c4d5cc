// migrations/2019-12-09-060754_add_lang/up.sql, down.sql
// expect: compiles
// why: columns that are nullable or have a constant default: catalog-only on PostgreSQL 11+
schemaflow::migration! {
    sql r###"ALTER TABLE user_
    ADD COLUMN lang varchar(20) DEFAULT 'browser' NOT NULL;

"###
        down r###"ALTER TABLE user_
    DROP COLUMN lang;

"###;
}
