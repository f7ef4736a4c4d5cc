schemaflow::migration! {
    sql "CREATE INDEX CONCURRENTLY users_lower_email_idx ON users (lower(email))"
        down "DROP INDEX CONCURRENTLY users_lower_email_idx";
}

fn main() {}
