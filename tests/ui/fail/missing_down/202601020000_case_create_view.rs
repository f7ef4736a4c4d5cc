schemaflow::migration! {
    sql "CREATE OR REPLACE VIEW user_emails AS SELECT id, email FROM users";
}

fn main() {}
