// An additive change to a table in use: the column gets a constant default
// (no rewrite on PostgreSQL 11+), the index is built concurrently, and the
// data step runs in batches of 1000 rows with a pause between them.
// The way back is derived: drop the index, then the column.
schemaflow::migration! {
    alter_table users {
        add_column verified: bool = false,
    }
    create_index on users(verified) concurrently;
    backfill users set verified = sql("email_confirmed_at IS NOT NULL")
        where "email_confirmed_at IS NOT NULL"
        batch 1000 pause 10ms;
}
