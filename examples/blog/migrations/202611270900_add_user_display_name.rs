// Renaming `users.name` the safe way, step 1 (expand): add the new column
// and fill it. The application then writes both columns and reads
// `display_name`; a later migration drops `name`.
schemaflow::migration! {
    alter_table users {
        add_column display_name: Option<String>,
    }
    backfill users set display_name = sql("name") where "display_name IS NULL";
}
