schemaflow::migration! {
    drop_table sessions;
}

fn main() {}
