// migrations/sqlite/2023-09-10-133000_add_sso/up.sql, down.sql
// expect: compiles; advice SF030
// why: new tables only; timestamps without a time zone (advice)
schemaflow::migration! {
    sql r###"CREATE TABLE sso_nonce (
  nonce               CHAR(36) NOT NULL PRIMARY KEY,
  created_at          DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
"###
        down r###"DROP TABLE sso_nonce;
"###;
}
