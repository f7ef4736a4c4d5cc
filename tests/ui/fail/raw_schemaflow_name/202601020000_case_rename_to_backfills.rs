schemaflow::migration! {
    sql "CREATE TABLE progress (id integer PRIMARY KEY); ALTER TABLE progress RENAME TO schemaflow_backfills";
}

fn main() {}
