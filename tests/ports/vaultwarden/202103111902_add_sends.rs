// migrations/postgresql/2021-03-11-190243_add_sends/up.sql, down.sql
// expect: compiles; advice SF021 SF030
// why: a new table; its foreign keys have no index and its timestamps no time zone (advice)
schemaflow::migration! {
    create_table sends {
        uuid: sql("char(36)") primary_key,
        user_uuid: Option<sql("char(36)")> references users(uuid),
        organization_uuid: Option<sql("char(36)")> references organizations(uuid),
        name: String,
        notes: Option<String>,
        atype: i32,
        data: String,
        key: String,
        password_hash: Option<Vec<u8>>,
        password_salt: Option<Vec<u8>>,
        password_iter: Option<i32>,
        max_access_count: Option<i32>,
        access_count: i32,
        creation_date: Timestamp,
        revision_date: Timestamp,
        expiration_date: Option<Timestamp>,
        deletion_date: Timestamp,
        disabled: bool,
    }
}
