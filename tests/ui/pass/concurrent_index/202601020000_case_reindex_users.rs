schemaflow::migration! {
    create_index on users(created_at) concurrently;
    create_index users_live_email_idx on users(email) where "deleted_at IS NULL" concurrently;
    drop_index users_name_idx concurrently;
}

fn main() {
    let m = migration();
    assert_eq!(m.steps.len(), 3);
    let schemaflow::Op::CreateIndex(index) = &m.steps[1].op else { panic!("{:?}", m.steps[1].op) };
    assert!(index.concurrently);
    assert_eq!(index.predicate.as_deref(), Some("deleted_at IS NULL"));
}
