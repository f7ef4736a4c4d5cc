schemaflow::migration! {
    sql "CREATE TABLE notes (id bigint PRIMARY KEY, author_name text NOT NULL REFERENCES users (name))";
}

fn main() {}
