// migrations/sqlite/2024-03-13_170000_sso_userscascade/up.sql, down.sql
// expect: rejected SF010
// why: drops `sso_users` with its rows to re-create it with cascading keys: every SSO link is lost
schemaflow::migration! {
    sql r###"DROP TABLE IF EXISTS sso_users;

CREATE TABLE sso_users (
  user_uuid           CHAR(36) NOT NULL PRIMARY KEY,
  identifier          TEXT NOT NULL UNIQUE,
  created_at          TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,

  FOREIGN KEY(user_uuid) REFERENCES users(uuid) ON UPDATE CASCADE ON DELETE CASCADE
);
"###;
}
