// migrations/postgresql/2026-04-25-120000_sso_auth_binding/up.sql, down.sql
// expect: compiles
// why: a nullable column: catalog-only
schemaflow::migration! {
    alter_table sso_auth {
        add_column binding_hash: Option<String>,
    }
}
