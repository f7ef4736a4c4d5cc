// migrations/sqlite/2021-10-24-164321_add_2fa_incomplete/up.sql, down.sql
// expect: compiles; advice SF030
// why: new tables only; timestamps without a time zone (advice)
schemaflow::migration! {
    sql r###"CREATE TABLE twofactor_incomplete (
  user_uuid   TEXT     NOT NULL REFERENCES users(uuid),
  device_uuid TEXT     NOT NULL,
  device_name TEXT     NOT NULL,
  login_time  DATETIME NOT NULL,
  ip_address  TEXT     NOT NULL,

  PRIMARY KEY (user_uuid, device_uuid)
);
"###
        down r###"DROP TABLE twofactor_incomplete;
"###;
}
