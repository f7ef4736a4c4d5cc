// New rows are checked at once; the old ones are fixed before the check is
// validated, in a later migration.
schemaflow::migration! {
    alter_table users {
        add_constraint users_name_not_empty check("length(name) > 0") not_valid validate_later,
    }
}
