// An array column is PostgreSQL's; the test crate also targets SQLite,
// which has no array type.
schemaflow::migration! {
    alter_table users {
        add_column tags: Option<Vec<String>>,
    }
}

fn main() {}
