// Advice is a warning; deny it so that the case fails and records it.
#![deny(warnings)]

schemaflow::migration! {
    create_index users_email_key on users(email) unique concurrently;
}

fn main() {}
