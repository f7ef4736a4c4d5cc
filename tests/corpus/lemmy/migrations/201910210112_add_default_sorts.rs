// migrations/2019-10-21-011237_add_default_sorts/up.sql, down.sql
// expect: compiles
// why: columns that are nullable or have a constant default: catalog-only on PostgreSQL 11+
schemaflow::migration! {
    sql r###"ALTER TABLE user_
    ADD COLUMN default_sort_type smallint DEFAULT 0 NOT NULL;

ALTER TABLE user_
    ADD COLUMN default_listing_type smallint DEFAULT 1 NOT NULL;

"###
        down r###"ALTER TABLE user_
    DROP COLUMN default_sort_type;

ALTER TABLE user_
    DROP COLUMN default_listing_type;

"###;
}
