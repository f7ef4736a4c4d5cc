schemaflow::migration! {
    alter_table users {
        add_column verified: bool = false,
    }
    create_index on users(verified) concurrently;
}

fn main() {
    let m = migration();
    assert_eq!(m.version, 202601020000);
    assert_eq!(m.name, "case_add_verified");
    assert_eq!(m.steps.len(), 2);
}
