// migrations/postgresql/2019-11-17-011009_add_email_verification/up.sql, down.sql
// expect: compiles; advice SF030
// why: nullable columns and a constant default: catalog-only on PostgreSQL 11+; DEFAULT NULL is no default
schemaflow::migration! {
    sql r###"ALTER TABLE users ADD COLUMN verified_at TIMESTAMP DEFAULT NULL;
ALTER TABLE users ADD COLUMN last_verifying_at TIMESTAMP DEFAULT NULL;
ALTER TABLE users ADD COLUMN login_verify_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN email_new VARCHAR(255) DEFAULT NULL;
ALTER TABLE users ADD COLUMN email_new_token VARCHAR(16) DEFAULT NULL;
"###;
}
