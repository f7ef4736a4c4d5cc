schemaflow::migration! {
    alter_table legacy_events {
        add_column id: i64 primary_key,
    }
}

fn main() {}
