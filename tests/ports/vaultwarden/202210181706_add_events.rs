// migrations/postgresql/2022-10-18-170602_add_events/up.sql, down.sql
// expect: compiles; advice SF030
// why: a new table (its UNIQUE (uuid) repeats the primary key); a timestamp without a time zone (advice)
schemaflow::migration! {
    create_table event {
        uuid: sql("char(36)") primary_key,
        event_type: i32,
        user_uuid: Option<sql("char(36)")>,
        org_uuid: Option<sql("char(36)")>,
        cipher_uuid: Option<sql("char(36)")>,
        collection_uuid: Option<sql("char(36)")>,
        group_uuid: Option<sql("char(36)")>,
        org_user_uuid: Option<sql("char(36)")>,
        act_user_uuid: Option<sql("char(36)")>,
        device_type: Option<i32>,
        ip_address: Option<String>,
        event_date: Timestamp,
        policy_uuid: Option<sql("char(36)")>,
        provider_uuid: Option<sql("char(36)")>,
        provider_user_uuid: Option<sql("char(36)")>,
        provider_org_uuid: Option<sql("char(36)")>,
        unique(uuid),
    }
}
