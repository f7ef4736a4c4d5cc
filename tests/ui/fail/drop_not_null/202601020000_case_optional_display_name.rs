// Advice is a warning; deny it so that the case fails and records it.
#![deny(warnings)]

schemaflow::migration! {
    alter_table users {
        drop_not_null display_name,
    }
}

fn main() {}
