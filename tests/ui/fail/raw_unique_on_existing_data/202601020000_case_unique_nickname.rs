// Advice is a warning; deny it so that the case fails and records it.
#![deny(warnings)]

schemaflow::migration! {
    sql "CREATE UNIQUE INDEX CONCURRENTLY users_nickname_key ON users (nickname)";
}

fn main() {}
