schemaflow::migration! {
    alter_table users {
        add_column email: Option<String>,
    }
}

fn main() {}
