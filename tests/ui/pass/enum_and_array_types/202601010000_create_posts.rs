schemaflow::migration! {
    create_enum post_status { draft, published, "on hold" }
    create_table posts {
        id: i64 primary_key identity,
        status: Enum<post_status> = "draft",
        title: Citext,
    }
}
