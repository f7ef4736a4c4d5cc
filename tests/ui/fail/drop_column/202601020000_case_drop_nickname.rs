schemaflow::migration! {
    alter_table users {
        drop_column nickname,
    }
}

fn main() {}
