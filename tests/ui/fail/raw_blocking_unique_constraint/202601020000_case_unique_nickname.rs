schemaflow::migration! {
    sql "ALTER TABLE users ADD CONSTRAINT users_nickname_key UNIQUE (nickname)";
}

fn main() {}
