// A trigram index on PostgreSQL, a plain one on SQLite: each database runs
// its own text, and both create the index `users_name_search`. The way back
// is derived from what they do: `DROP INDEX` on each.
schemaflow::migration! {
    sql postgres "CREATE INDEX CONCURRENTLY users_name_search ON users USING gin (name gin_trgm_ops)"
        sqlite "CREATE INDEX users_name_search ON users (name)";
}

fn main() {}
