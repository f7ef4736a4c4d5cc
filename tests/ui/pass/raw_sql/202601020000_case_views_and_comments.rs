schemaflow::migration! {
    sql "CREATE VIEW active_users AS SELECT id, email FROM users WHERE deleted_at IS NULL"
        down "DROP VIEW active_users";
    sql "COMMENT ON TABLE users IS 'one row per account'" down "COMMENT ON TABLE users IS NULL";
    sql "DROP FUNCTION IF EXISTS legacy_hash(text)" irreversible "the function's body is not kept anywhere";
}

fn main() {
    let m = migration();
    assert_eq!(m.steps.len(), 3);
    assert!(matches!(&m.steps[0].op, schemaflow::Op::Sql { down: schemaflow::SqlDown::Sql(d), .. } if d == "DROP VIEW active_users"));
    assert!(matches!(&m.steps[2].op, schemaflow::Op::Sql { down: schemaflow::SqlDown::Irreversible(_), .. }));
}
