schemaflow::migration! {
    alter_table users {
        add_column bio: Option<Option<String>>,
    }
}

fn main() {}
