// Advice is a warning; deny it so that the case fails and records it.
#![deny(warnings)]

schemaflow::migration! {
    create_table events {
        id: i64 primary_key identity,
        name: String,
        happened_at: Timestamp = now(),
    }
}

fn main() {}
