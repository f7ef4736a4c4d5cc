// The two texts of per-database SQL must change the schema in the same
// way: here they name the index differently.
schemaflow::migration! {
    sql postgres "CREATE INDEX CONCURRENTLY users_name_search ON users USING gin (name gin_trgm_ops)"
        sqlite "CREATE INDEX users_name_idx ON users (name)";
}

fn main() {}
