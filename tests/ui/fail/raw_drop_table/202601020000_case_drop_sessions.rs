schemaflow::migration! {
    sql "DROP TABLE sessions" irreversible "sessions are recreated at the next login";
}

fn main() {}
