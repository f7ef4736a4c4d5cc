schemaflow::migration! {
    #[allow(blocking_index, "users has 200 rows: an internal tool, the build takes milliseconds")]
    create_index on users(created_at);

    alter_table users {
        add_column nickname: Option<String>,
        #[allow(set_not_null, "backfilled in 202512010000; the code has written display_name on every insert since 1.8")]
        set_not_null display_name,
    }
}

fn main() {
    let m = migration();
    assert_eq!(m.steps[0].allows.len(), 1);
    assert_eq!(m.steps[0].allows[0].rule, "blocking-index");
    assert!(m.steps[1].allows.is_empty());
    assert_eq!(m.steps[2].allows[0].rule, "set-not-null");
}
