schemaflow::migration! {
    sql "CREATE TABLE events (kind text NOT NULL, payload text)";
}
