schemaflow::migration! {
    sql "ALTER TABLE users ALTER COLUMN display_name SET NOT NULL";
}

fn main() {}
