schemaflow::migration! {
    create_table devices {
        uuid: Varchar<36> primary_key,
        user_uuid: Varchar<36>,
        name: String,
    }
}
