schemaflow::migration! {
    alter_table users {
        add_column bio: Option<String> = None,
    }
}

fn main() {}
