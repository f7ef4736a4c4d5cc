schemaflow::migration! {
    alter_table posts {
        set_type view_count: i64,
    }
}

fn main() {}
