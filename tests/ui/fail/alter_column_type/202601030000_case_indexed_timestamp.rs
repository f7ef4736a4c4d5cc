schemaflow::migration! {
    alter_table posts {
        set_type published_at: TimestampTz,
    }
}

fn main() {}
