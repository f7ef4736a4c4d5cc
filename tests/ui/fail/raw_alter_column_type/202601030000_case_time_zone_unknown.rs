schemaflow::migration! {
    sql "ALTER TABLE sessions ALTER COLUMN expires_at TYPE timestamp";
}

fn main() {}
