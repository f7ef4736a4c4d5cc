schemaflow::migration! {
    create_index on users(created_at);
    alter_table users {
        add_column verified: bool = "no",
        drop_column nickname,
    }
}

fn main() {}
