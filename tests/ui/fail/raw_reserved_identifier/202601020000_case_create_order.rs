schemaflow::migration! {
    sql "CREATE TABLE \"order\" (id bigint PRIMARY KEY, \"user\" bigint NOT NULL)";
}

fn main() {}
