schemaflow::migration! {
    create_table api_keys {
        id: Uuid primary_key identity,
        label: String,
    }
}

fn main() {}
