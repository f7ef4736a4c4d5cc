schemaflow::migration! {
    create_table people {
        id: i64 primary_key identity,
        nickname: Option<String>,
    }
}
