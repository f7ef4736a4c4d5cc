// migrations/postgresql/2023-06-17-200424_create_auth_requests_table/up.sql, down.sql
// expect: compiles; advice SF021 SF030
// why: a new table; its foreign keys have no index and its timestamps no time zone (advice)
schemaflow::migration! {
    create_table auth_requests {
        uuid: sql("char(36)") primary_key,
        user_uuid: sql("char(36)") references users(uuid),
        organization_uuid: Option<sql("char(36)")> references organizations(uuid),
        request_device_identifier: sql("char(36)"),
        device_type: i32,
        request_ip: String,
        response_device_id: Option<sql("char(36)")>,
        access_code: String,
        public_key: String,
        enc_key: String,
        master_password_hash: String,
        approved: Option<bool>,
        creation_date: Timestamp,
        response_date: Option<Timestamp>,
        authentication_date: Option<Timestamp>,
    }
}
