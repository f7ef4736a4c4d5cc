schemaflow::migration! {
    alter_table users {
        add_constraint users_email_not_empty check("email <> ''"),
    }
}

fn main() {}
