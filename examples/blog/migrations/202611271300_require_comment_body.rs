// A check constraint on a table in use: added NOT VALID (instant) and
// validated in its own transaction, so writes go on during the scan.
schemaflow::migration! {
    alter_table comments {
        add_constraint comments_body_not_empty check("length(body) > 0") not_valid,
    }
}
