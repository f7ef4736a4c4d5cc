// The view `adults` (raw SQL, in the first migration) reads `age`: the
// drop would be refused by PostgreSQL, and would leave the view failing on
// SQLite.
schemaflow::migration! {
    #[allow(drop_column, "age moved to the profiles service")]
    alter_table users {
        drop_column age,
    }
}

fn main() {}
