// migrations/postgresql/2024-03-13-170000_sso_users_cascade/up.sql, down.sql
// expect: rejected SF015
// why: re-adding the foreign key without NOT VALID scans `sso_users` while both tables are locked against writes
schemaflow::migration! {
    sql r###"ALTER TABLE sso_users
  DROP CONSTRAINT "sso_users_user_uuid_fkey",
  ADD CONSTRAINT "sso_users_user_uuid_fkey" FOREIGN KEY(user_uuid) REFERENCES users(uuid) ON UPDATE CASCADE ON DELETE CASCADE;
"###;
}
