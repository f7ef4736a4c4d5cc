// migrations/postgresql/2023-09-10-133000_add_sso/up.sql, down.sql
// expect: compiles; advice SF030
// why: a new table
schemaflow::migration! {
    sql r###"CREATE TABLE sso_nonce (
  nonce               CHAR(36) NOT NULL PRIMARY KEY,
  created_at          TIMESTAMP NOT NULL DEFAULT now()
);
"###
        down r###"DROP TABLE sso_nonce;
"###;
}
