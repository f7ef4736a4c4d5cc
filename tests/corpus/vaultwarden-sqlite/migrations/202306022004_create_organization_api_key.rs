// migrations/sqlite/2023-06-02-200424_create_organization_api_key/up.sql, down.sql
// expect: compiles; advice SF021 SF030
// why: a new table and a nullable column; foreign keys without an index and timestamps without a time zone (advice)
schemaflow::migration! {
    sql r###"CREATE TABLE organization_api_key (
	uuid            TEXT NOT NULL,
    org_uuid	    TEXT NOT NULL,
    atype           INTEGER NOT NULL,
    api_key         TEXT NOT NULL,
	revision_date   DATETIME NOT NULL,
	PRIMARY KEY(uuid, org_uuid),
	FOREIGN KEY(org_uuid) REFERENCES organizations(uuid)
);

ALTER TABLE users ADD COLUMN external_id TEXT;
"###;
}
