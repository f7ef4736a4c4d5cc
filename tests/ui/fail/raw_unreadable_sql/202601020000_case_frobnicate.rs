schemaflow::migration! {
    sql "CREATE FROBNICATOR users_frob" irreversible "nothing to undo";
}

fn main() {}
