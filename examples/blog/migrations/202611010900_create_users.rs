// A new table: every column is checked against its type, and nothing here
// can lock a table that is in use, because the table is new.
schemaflow::migration! {
    create_table users {
        id: i64 primary_key identity,
        email: Varchar<320> unique,
        name: String,
        email_confirmed_at: Option<TimestampTz>,
        created_at: TimestampTz = now(),
    }
}
