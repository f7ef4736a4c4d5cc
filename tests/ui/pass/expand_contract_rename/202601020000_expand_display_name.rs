// Step 1 (expand): the new column, filled from the old one. The code then
// writes both and reads `display_name`.
schemaflow::migration! {
    alter_table users {
        add_column display_name: Option<String>,
    }
    backfill users set display_name = sql("name") where "display_name IS NULL";
}
