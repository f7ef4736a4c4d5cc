schemaflow::migration! {
    sql "CREATE VIEW user_emails AS SELECT id, email FROM users";
}

fn main() {}
