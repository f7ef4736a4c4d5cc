schemaflow::migration! {
    alter_table users {
        drop_constraint users_email_key,
    }
}

fn main() {}
