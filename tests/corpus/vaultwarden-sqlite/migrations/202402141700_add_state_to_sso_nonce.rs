// migrations/sqlite/2024-02-14-170000_add_state_to_sso_nonce/up.sql, down.sql
// expect: rejected SF010
// why: drops `sso_nonce` with its rows and re-creates it (short-lived nonces: acknowledge the drop)
schemaflow::migration! {
    sql r###"DROP TABLE sso_nonce;

CREATE TABLE sso_nonce (
  state               TEXT NOT NULL PRIMARY KEY,
  nonce               TEXT NOT NULL,
  redirect_uri        TEXT NOT NULL,
  created_at          DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
"###
        down r###"DROP TABLE sso_nonce;

CREATE TABLE sso_nonce (
  nonce               CHAR(36) NOT NULL PRIMARY KEY,
  created_at          DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
"###;
}
