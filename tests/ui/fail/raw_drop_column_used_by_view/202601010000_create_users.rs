schemaflow::migration! {
    create_table users {
        id: i64 primary_key identity,
        email: String unique,
        age: Option<i32>,
    }
    sql "CREATE VIEW adults AS SELECT id, email FROM users WHERE age >= 18" down "DROP VIEW adults";
}
