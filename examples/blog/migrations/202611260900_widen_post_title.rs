// Widening Varchar<200> to String needs no rewrite on PostgreSQL; SQLite
// cannot ALTER a column's type, so schemaflow rebuilds the table there,
// keeping its rows, indexes and foreign keys.
schemaflow::migration! {
    alter_table posts {
        set_type title: String,
    }
}
