schemaflow::migration! {
    sql "ALTER TABLE users ADD COLUMN verified boolean NOT NULL";
}

fn main() {}
