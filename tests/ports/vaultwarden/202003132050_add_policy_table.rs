// migrations/postgresql/2020-03-13-205045_add_policy_table/up.sql, down.sql
// expect: compiles
// why: a new table; its unique key starts with the foreign key, which indexes it
schemaflow::migration! {
    create_table org_policies {
        uuid: sql("char(36)") primary_key,
        org_uuid: sql("char(36)") references organizations(uuid),
        atype: i32,
        enabled: bool,
        data: String,
        unique(org_uuid, atype),
    }
}
