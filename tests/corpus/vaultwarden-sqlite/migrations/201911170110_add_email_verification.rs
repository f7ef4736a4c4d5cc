// migrations/sqlite/2019-11-17-011009_add_email_verification/up.sql, down.sql
// expect: compiles; advice SF030
// why: a nullable column, or one with a constant default: SQLite adds it without touching the rows; timestamps without a time zone (advice)
schemaflow::migration! {
    sql r###"ALTER TABLE users ADD COLUMN verified_at DATETIME DEFAULT NULL;
ALTER TABLE users ADD COLUMN last_verifying_at DATETIME DEFAULT NULL;
ALTER TABLE users ADD COLUMN login_verify_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN email_new TEXT DEFAULT NULL;
ALTER TABLE users ADD COLUMN email_new_token TEXT DEFAULT NULL;
"###;
}
