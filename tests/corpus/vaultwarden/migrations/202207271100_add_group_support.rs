// migrations/postgresql/2022-07-27-110000_add_group_support/up.sql, down.sql
// expect: rejected SF028
// why: new tables; but its down drops `groups` while `groups_users` still references it, which PostgreSQL refuses
schemaflow::migration! {
    sql r###"CREATE TABLE groups (
  uuid                              CHAR(36) NOT NULL PRIMARY KEY,
  organizations_uuid                 VARCHAR(40) NOT NULL REFERENCES organizations (uuid),
  name                              VARCHAR(100) NOT NULL,
  access_all                        BOOLEAN NOT NULL,
  external_id                       VARCHAR(300) NULL,
  creation_date                     TIMESTAMP NOT NULL,
  revision_date                     TIMESTAMP NOT NULL
);

CREATE TABLE groups_users (
  groups_uuid                       CHAR(36) NOT NULL REFERENCES groups (uuid),
  users_organizations_uuid          VARCHAR(36) NOT NULL REFERENCES users_organizations (uuid),
  PRIMARY KEY (groups_uuid, users_organizations_uuid)
);

CREATE TABLE collections_groups (
  collections_uuid                  VARCHAR(40) NOT NULL REFERENCES collections (uuid),
  groups_uuid                       CHAR(36) NOT NULL REFERENCES groups (uuid),
  read_only                         BOOLEAN NOT NULL,
  hide_passwords                    BOOLEAN NOT NULL,
  PRIMARY KEY (collections_uuid, groups_uuid)
);"###
        down r###"DROP TABLE groups;
DROP TABLE groups_users;
DROP TABLE collections_groups;"###;
}
