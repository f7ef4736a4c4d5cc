schemaflow::migration! {
    alter_table users {}
}

fn main() {}
