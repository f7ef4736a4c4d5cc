// The same stored generated column, added in raw SQL.
schemaflow::migration! {
    sql "ALTER TABLE users ADD COLUMN name_length integer GENERATED ALWAYS AS (length(name)) STORED";
}

fn main() {}
