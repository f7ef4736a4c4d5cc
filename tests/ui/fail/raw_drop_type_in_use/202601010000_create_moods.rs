schemaflow::migration! {
    sql "CREATE TYPE mood AS ENUM ('ok', 'sad');
         CREATE TABLE people (id bigint PRIMARY KEY, mood mood NOT NULL DEFAULT 'ok')";
}
