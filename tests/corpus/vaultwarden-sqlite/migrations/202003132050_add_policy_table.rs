// migrations/sqlite/2020-03-13-205045_add_policy_table/up.sql, down.sql
// expect: compiles
// why: new tables only
schemaflow::migration! {
    sql r###"CREATE TABLE org_policies (
  uuid      TEXT     NOT NULL PRIMARY KEY,
  org_uuid  TEXT     NOT NULL REFERENCES organizations (uuid),
  atype     INTEGER  NOT NULL,
  enabled   BOOLEAN  NOT NULL,
  data      TEXT     NOT NULL,

  UNIQUE (org_uuid, atype)
);
"###
        down r###"DROP TABLE org_policies;
"###;
}
