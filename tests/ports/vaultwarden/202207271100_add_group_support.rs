// migrations/postgresql/2022-07-27-110000_add_group_support/up.sql, down.sql
// expect: compiles; advice SF021 SF030
// why: new tables; some foreign keys have no index and the timestamps no time zone (advice)
schemaflow::migration! {
    create_table groups {
        uuid: sql("char(36)") primary_key,
        organizations_uuid: Varchar<40> references organizations(uuid),
        name: Varchar<100>,
        access_all: bool,
        external_id: Option<Varchar<300>>,
        creation_date: Timestamp,
        revision_date: Timestamp,
    }
    create_table groups_users {
        groups_uuid: sql("char(36)") references groups(uuid),
        users_organizations_uuid: Varchar<36> references users_organizations(uuid),
        primary_key(groups_uuid, users_organizations_uuid),
    }
    create_table collections_groups {
        collections_uuid: Varchar<40> references collections(uuid),
        groups_uuid: sql("char(36)") references groups(uuid),
        read_only: bool,
        hide_passwords: bool,
        primary_key(collections_uuid, groups_uuid),
    }
}
