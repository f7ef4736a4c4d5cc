schemaflow::migration! {
    create_table schemaflow_migrations {
        id: i64 primary_key identity,
        note: Option<String>,
    }
}

fn main() {}
