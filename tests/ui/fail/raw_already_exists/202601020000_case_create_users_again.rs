schemaflow::migration! {
    sql "CREATE TABLE users (id bigint PRIMARY KEY)";
}

fn main() {}
