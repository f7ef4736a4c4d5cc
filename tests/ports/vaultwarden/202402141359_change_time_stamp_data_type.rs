// migrations/postgresql/2024-02-14-135953_change_time_stamp_data_type/up.sql, down.sql
// expect: rejected SF011
// why: integer to bigint rewrites the table under an ACCESS EXCLUSIVE lock; an online change does it across deploys
schemaflow::migration! {
    alter_table twofactor {
        set_type last_used: i64,
        set_not_null last_used,
    }
}
