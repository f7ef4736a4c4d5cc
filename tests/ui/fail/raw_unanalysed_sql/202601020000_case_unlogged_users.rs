schemaflow::migration! {
    sql "ALTER TABLE users SET UNLOGGED" down "ALTER TABLE users SET LOGGED";
}

fn main() {}
