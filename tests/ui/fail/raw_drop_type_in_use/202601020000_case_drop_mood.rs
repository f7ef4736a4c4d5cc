schemaflow::migration! {
    sql "DROP TYPE mood" irreversible "the values are gone";
}

fn main() {}
