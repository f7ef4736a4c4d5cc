// migrations/postgresql/2021-08-30-193501_create_emergency_access/up.sql, down.sql
// expect: compiles; advice SF021 SF030
// why: a new table; its foreign keys have no index and its timestamps no time zone (advice)
schemaflow::migration! {
    create_table emergency_access {
        uuid: sql("char(36)") primary_key,
        grantor_uuid: Option<sql("char(36)")> references users(uuid),
        grantee_uuid: Option<sql("char(36)")> references users(uuid),
        email: Option<Varchar<255>>,
        key_encrypted: Option<String>,
        atype: i32,
        status: i32,
        wait_time_days: i32,
        recovery_initiated_at: Option<Timestamp>,
        last_notification_at: Option<Timestamp>,
        updated_at: Timestamp,
        created_at: Timestamp,
    }
}
