// migrations/postgresql/2024-03-13-170000_sso_users_cascade/up.sql, down.sql
// expect: compiles
// why: with `not_valid` the DSL adds the new foreign key NOT VALID and validates it in its own transaction: no long lock on either table
schemaflow::migration! {
    alter_table sso_users {
        drop_constraint sso_users_user_uuid_fkey,
        add_constraint sso_users_user_uuid_fkey foreign_key(user_uuid) references users(uuid) on_delete cascade on_update cascade not_valid,
    }
}
