schemaflow::migration! {
    create_table tags {}
}

fn main() {}
