schemaflow::migration! {
    create_table api_keys {
        id: Uuid = uuid_generate_v4() primary_key,
        label: String,
    }
}

fn main() {}
