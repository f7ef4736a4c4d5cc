schemaflow::migration! {
    create_table memberships {
        user_id: i64 primary_key,
        group_id: i64 primary_key,
    }
}

fn main() {}
