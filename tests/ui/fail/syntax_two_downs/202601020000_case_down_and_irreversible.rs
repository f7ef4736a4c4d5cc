schemaflow::migration! {
    alter_table users {
        add_column bio: Option<String>,
    }
    down {
        alter_table users {
            drop_column bio,
        }
    }
    irreversible "bio cannot be dropped again";
}

fn main() {}
