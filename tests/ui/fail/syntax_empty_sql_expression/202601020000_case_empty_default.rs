schemaflow::migration! {
    create_table events {
        id: i64 primary_key identity,
        happened_at: TimestampTz = sql(""),
    }
}

fn main() {}
