schemaflow::migration! {
    alter_table people {
        add_column handle: Option<String>,
    }
    backfill people set handle = sql("nickname") where "handle IS NULL";
}
