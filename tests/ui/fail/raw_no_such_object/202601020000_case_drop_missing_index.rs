schemaflow::migration! {
    sql "DROP INDEX CONCURRENTLY users_nickname_idx";
}

fn main() {}
