schemaflow::migration! {
    sql "CREATE TABLE devices (token text, name text NOT NULL);
         CREATE UNIQUE INDEX CONCURRENTLY devices_token_key ON devices (token)";
}
