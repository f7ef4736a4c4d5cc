schemaflow::migration! {
    sql "ALTER TABLE users ALTER COLUMN view_count TYPE bigint";
}

fn main() {}
