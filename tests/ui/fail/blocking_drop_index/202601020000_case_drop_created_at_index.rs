schemaflow::migration! {
    drop_index users_created_at_idx;
}

fn main() {}
