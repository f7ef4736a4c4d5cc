schemaflow::migration! {
    sql "CREATE VIEW active_users AS SELECT id, email FROM users WHERE deleted_at IS NULL"
        down "DROP VIEW active_users";
    sql "COMMENT ON TABLE users IS 'one row per account'" down "COMMENT ON TABLE users IS NULL";
    sql "DROP FUNCTION IF EXISTS legacy_hash(text)" irreversible "the function's body is not kept anywhere";
    // An expression index built concurrently: it runs outside the transaction.
    sql "CREATE INDEX CONCURRENTLY users_lower_email_idx ON users (lower(email))";
}

fn main() {
    use schemaflow::{Op, RawClass, Undo};
    let m = migration();
    assert_eq!(m.steps.len(), 4);
    let raw = |i: usize| m.steps[i].raw.as_ref().expect("read from raw SQL");
    assert!(matches!(&m.steps[0].op, Op::Sql(s) if s.class == RawClass::Object && s.kind == "CREATE VIEW"));
    assert!(matches!(&raw(0).undo, Undo::Written(down) if down[0].raw.as_ref().unwrap().sql == "DROP VIEW active_users"));
    assert!(matches!(&raw(2).undo, Undo::Irreversible(_)));
    assert!(matches!(&m.steps[3].op, Op::CreateIndex(i) if i.concurrently && i.columns == ["email"]));
    assert_eq!(raw(3).sql, "CREATE INDEX CONCURRENTLY users_lower_email_idx ON users (lower(email))");
}
