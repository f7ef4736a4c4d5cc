// Advice is a warning; deny it so that the case fails and records it.
#![deny(warnings)]

schemaflow::migration! {
    create_table posts {
        id: i64 primary_key identity,
        author_id: i64 references users(id) on_delete cascade,
        title: String,
    }
}

fn main() {}
