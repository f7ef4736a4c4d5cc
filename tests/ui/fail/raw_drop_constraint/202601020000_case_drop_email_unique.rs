schemaflow::migration! {
    sql "ALTER TABLE users DROP CONSTRAINT users_email_key";
}

fn main() {}
