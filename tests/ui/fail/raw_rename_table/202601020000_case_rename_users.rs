schemaflow::migration! {
    sql "ALTER TABLE users RENAME TO accounts";
}

fn main() {}
