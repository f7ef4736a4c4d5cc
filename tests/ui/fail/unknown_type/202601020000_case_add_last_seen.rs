schemaflow::migration! {
    alter_table users {
        add_column last_seen_at: Option<DateTime>,
    }
}

fn main() {}
