schemaflow::migration! {
    alter_table users {
        add_column verified = false,
    }
}

fn main() {}
