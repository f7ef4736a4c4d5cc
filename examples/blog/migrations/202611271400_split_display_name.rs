// A data transformation SQL cannot say well: a Rust function splits each
// display name into first and last name. The macro checks the function's
// signature against the schema (`display_name` is an `Option<String>`, and
// so are the two columns it fills); the runner calls it for every row, in
// batches of 500, each batch one short transaction that also records how
// far it got, so an interrupted run resumes where it stopped.
schemaflow::migration! {
    alter_table users {
        add_column first_name: Option<String>,
        add_column last_name: Option<String>,
    }
    backfill users with crate::names::split_display_name(display_name) -> (first_name, last_name)
        where "display_name IS NOT NULL"
        batch 500;
}
