schemaflow::migration! {
    alter_table users {
        add_column api_token: Uuid = gen_random_uuid(),
    }
}

fn main() {}
