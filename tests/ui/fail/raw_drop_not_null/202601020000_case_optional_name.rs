// Advice is a warning; deny it so that the case fails and records it.
#![deny(warnings)]

schemaflow::migration! {
    sql "ALTER TABLE users ALTER COLUMN name DROP NOT NULL";
}

fn main() {}
