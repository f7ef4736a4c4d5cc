schemaflow::migration! {
    alter_table users {
        add_column verified: bool,
    }
}

fn main() {}
