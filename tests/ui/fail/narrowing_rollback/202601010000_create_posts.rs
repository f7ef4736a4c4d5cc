schemaflow::migration! {
    create_table posts {
        id: i64 primary_key identity,
        title: Varchar<200>,
    }
}
