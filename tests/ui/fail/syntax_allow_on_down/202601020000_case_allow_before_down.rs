schemaflow::migration! {
    alter_table users {
        add_column bio: Option<String>,
    }

    #[allow(drop_column, "bio was added by this migration")]
    down {
        alter_table users {
            drop_column bio,
        }
    }
}

fn main() {}
