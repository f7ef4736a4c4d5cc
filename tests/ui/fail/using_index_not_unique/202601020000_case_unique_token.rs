schemaflow::migration! {
    alter_table devices {
        add_constraint devices_token_key unique using index devices_token_idx,
    }
}

fn main() {}
