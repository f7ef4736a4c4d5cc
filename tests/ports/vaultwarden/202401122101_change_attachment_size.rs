// migrations/postgresql/2024-01-12-210182_change_attachment_size/up.sql, down.sql
// expect: rejected SF011
// why: integer to bigint rewrites the table under an ACCESS EXCLUSIVE lock; an online change does it across deploys
schemaflow::migration! {
    alter_table attachments {
        set_type file_size: i64,
        set_not_null file_size,
    }
}
