// migrations/postgresql/2024-01-12-210182_change_attachment_size/up.sql, down.sql
// expect: rejected SF011
// why: integer to bigint rewrites `attachments` under an ACCESS EXCLUSIVE lock; SET NOT NULL on a NOT NULL column is a no-op
schemaflow::migration! {
    sql r###"ALTER TABLE attachments
ALTER COLUMN file_size TYPE BIGINT,
ALTER COLUMN file_size SET NOT NULL;
"###;
}
