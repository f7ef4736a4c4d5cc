// Advice is a warning; deny it so that the case fails and records it.
#![deny(warnings)]

schemaflow::migration! {
    sql "ALTER TABLE posts ALTER COLUMN title TYPE text";
}

fn main() {}
