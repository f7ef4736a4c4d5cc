schemaflow::migration! {
    sql "ALTER TABLE users ADD COLUMN age integer NOT NULL DEFAULT 'unknown'";
}

fn main() {}
