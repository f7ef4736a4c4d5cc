// migrations/postgresql/2023-06-02-200424_create_organization_api_key/up.sql, down.sql
// expect: compiles; advice SF021 SF030
// why: a new table and a nullable column
schemaflow::migration! {
    sql r###"CREATE TABLE organization_api_key (
	uuid			CHAR(36) NOT NULL,
	org_uuid		CHAR(36) NOT NULL REFERENCES organizations(uuid),
	atype			INTEGER NOT NULL,
	api_key			VARCHAR(255),
	revision_date	TIMESTAMP NOT NULL,
	PRIMARY KEY(uuid, org_uuid)
);

ALTER TABLE users ADD COLUMN external_id TEXT;
"###;
}
