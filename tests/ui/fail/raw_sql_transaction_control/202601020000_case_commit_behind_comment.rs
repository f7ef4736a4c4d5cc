schemaflow::migration! {
    sql "CREATE TABLE audit (id bigint PRIMARY KEY); /* done */ COMMIT" down "DROP TABLE audit";
}

fn main() {}
