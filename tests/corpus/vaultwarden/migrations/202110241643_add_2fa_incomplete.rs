// migrations/postgresql/2021-10-24-164321_add_2fa_incomplete/up.sql, down.sql
// expect: compiles; advice SF030
// why: a new table whose primary key leads with its foreign key column
schemaflow::migration! {
    sql r###"CREATE TABLE twofactor_incomplete (
  user_uuid   VARCHAR(40) NOT NULL REFERENCES users(uuid),
  device_uuid VARCHAR(40) NOT NULL,
  device_name TEXT        NOT NULL,
  login_time  TIMESTAMP   NOT NULL,
  ip_address  TEXT        NOT NULL,

  PRIMARY KEY (user_uuid, device_uuid)
);
"###
        down r###"DROP TABLE twofactor_incomplete;
"###;
}
