// The same drop as raw SQL: the view `adults` still reads `age`.
schemaflow::migration! {
    #[allow(drop_column, "age moved to the profiles service")]
    sql "ALTER TABLE users DROP COLUMN age";
}

fn main() {}
