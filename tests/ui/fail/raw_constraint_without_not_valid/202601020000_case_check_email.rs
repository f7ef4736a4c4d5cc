schemaflow::migration! {
    sql "ALTER TABLE users ADD CONSTRAINT users_email_not_empty CHECK (email <> '')";
}

fn main() {}
