// Widening Varchar<200> to String needs no rewrite on PostgreSQL; SQLite
// cannot ALTER a column's type, so schemaflow rebuilds the table there,
// keeping its rows, indexes and foreign keys.
//
// The way back is written out: changing the type back would fail on the
// first title longer than 200 characters stored since (SF038), so it cuts
// them to 200.
schemaflow::migration! {
    alter_table posts {
        set_type title: String,
    }
    down {
        #[allow(alter_column_type, "a rollback runs in a maintenance window, and cutting titles is the accepted loss")]
        alter_table posts {
            set_type title: Varchar<200> using "substr(title, 1, 200)",
        }
    }
}
