// migrations/postgresql/2024-02-14-135953_change_time_stamp_data_type/up.sql, down.sql
// expect: rejected SF011
// why: integer to bigint rewrites `twofactor` under an ACCESS EXCLUSIVE lock
schemaflow::migration! {
    sql r###"ALTER TABLE twofactor
ALTER COLUMN last_used TYPE BIGINT,
ALTER COLUMN last_used SET NOT NULL;
"###;
}
