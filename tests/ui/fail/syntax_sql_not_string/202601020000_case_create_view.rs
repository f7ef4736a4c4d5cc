schemaflow::migration! {
    sql("CREATE VIEW user_emails AS SELECT id, email FROM users") down "DROP VIEW user_emails";
}

fn main() {}
