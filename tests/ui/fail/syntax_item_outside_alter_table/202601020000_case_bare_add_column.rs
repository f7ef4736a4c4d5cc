schemaflow::migration! {
    add_column verified: bool = false;
}

fn main() {}
