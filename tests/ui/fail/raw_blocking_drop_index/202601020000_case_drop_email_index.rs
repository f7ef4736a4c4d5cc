schemaflow::migration! {
    sql "DROP INDEX users_nickname_idx";
}

fn main() {}
