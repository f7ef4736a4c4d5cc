// An enum column names an enum no migration declared.
schemaflow::migration! {
    create_table posts {
        id: i64 primary_key,
        status: Enum<post_status> = "draft",
    }
}

fn main() {}
