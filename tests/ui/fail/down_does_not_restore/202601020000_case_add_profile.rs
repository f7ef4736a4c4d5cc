schemaflow::migration! {
    alter_table users {
        add_column bio: Option<String>,
        add_column avatar_url: Option<String>,
    }

    down {
        alter_table users {
            drop_column bio,
        }
    }
}

fn main() {}
