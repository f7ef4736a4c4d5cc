// Advice is a warning; deny it so that the case fails and records it.
#![deny(warnings)]

schemaflow::migration! {
    create_table tags {
        id: i32 primary_key,
        label: String unique,
    }
}

fn main() {}
