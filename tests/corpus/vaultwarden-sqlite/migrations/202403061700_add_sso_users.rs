// migrations/sqlite/2024-03-06-170000_add_sso_users/up.sql, down.sql
// expect: compiles; advice SF030
// why: new tables only; timestamps without a time zone (advice)
schemaflow::migration! {
    sql r###"CREATE TABLE sso_users (
  user_uuid           CHAR(36) NOT NULL PRIMARY KEY,
  identifier          TEXT NOT NULL UNIQUE,
  created_at          TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,

  FOREIGN KEY(user_uuid) REFERENCES users(uuid)
);
"###
        down r###"DROP TABLE IF EXISTS sso_users;
"###;
}
