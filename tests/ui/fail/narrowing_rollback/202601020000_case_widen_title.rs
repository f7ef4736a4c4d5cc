// Advice is a warning; deny it so that the case fails and records it.
#![deny(warnings)]

schemaflow::migration! {
    alter_table posts {
        set_type title: String,
    }
}

fn main() {}
