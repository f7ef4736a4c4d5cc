// A trigram index is PostgreSQL's (a method and an operator class); the
// test crate also targets SQLite, which has no form of either.
schemaflow::migration! {
    create_index users_name_trgm on users(name gin_trgm_ops) using gin concurrently;
}

fn main() {}
