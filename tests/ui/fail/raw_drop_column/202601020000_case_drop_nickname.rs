schemaflow::migration! {
    sql "ALTER TABLE users DROP COLUMN nickname";
}

fn main() {}
