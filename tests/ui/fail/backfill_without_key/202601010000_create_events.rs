schemaflow::migration! {
    create_table events {
        kind: String,
        payload: Option<Json>,
    }
}
