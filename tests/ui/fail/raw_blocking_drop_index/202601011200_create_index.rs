schemaflow::migration! {
    sql "CREATE INDEX CONCURRENTLY users_nickname_idx ON users (nickname)";
}
