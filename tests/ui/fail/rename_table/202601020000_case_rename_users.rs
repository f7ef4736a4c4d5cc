schemaflow::migration! {
    rename_table users -> accounts;
}

fn main() {}
