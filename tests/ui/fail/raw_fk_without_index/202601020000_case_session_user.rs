// Advice is a warning; deny it so that the case fails and records it.
#![deny(warnings)]

schemaflow::migration! {
    sql "ALTER TABLE sessions ADD CONSTRAINT sessions_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID; ALTER TABLE sessions VALIDATE CONSTRAINT sessions_user_id_fkey";
}

fn main() {}
