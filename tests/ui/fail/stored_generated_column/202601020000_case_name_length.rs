// A stored generated column added to a table in use: every row is
// computed and the table rewritten under an exclusive lock.
schemaflow::migration! {
    alter_table users {
        add_column name_length: Option<i32> generated("length(name)") stored,
    }
}

fn main() {}
