// migrations/postgresql/2023-06-02-200424_create_organization_api_key/up.sql, down.sql
// expect: compiles; advice SF021 SF030
// why: a new table whose foreign key has no index; a nullable column; a timestamp without a time zone (advice)
schemaflow::migration! {
    create_table organization_api_key {
        uuid: sql("char(36)"),
        org_uuid: sql("char(36)") references organizations(uuid),
        atype: i32,
        api_key: Option<Varchar<255>>,
        revision_date: Timestamp,
        primary_key(uuid, org_uuid),
    }
    alter_table users {
        add_column external_id: Option<String>,
    }
}
