// Advice is a warning; deny it so that the case fails and records it.
#![deny(warnings)]

schemaflow::migration! {
    sql "CREATE TABLE tags (id integer PRIMARY KEY, label text NOT NULL)";
}

fn main() {}
