schemaflow::migration! {
    alter_table users {
        add_column display_name: Option<String>,
        add_column verified: bool = false,
    }
    backfill users set display_name = sql("name"), verified = sql("email_confirmed_at IS NOT NULL")
        where "display_name IS NULL"
        batch 500
        pause 50ms;
    backfill users set verified = true where "email_confirmed_at IS NOT NULL" batch 2000 pause 1s;
}

fn main() {
    let m = migration();
    let schemaflow::Op::Backfill(b) = &m.steps[2].op else { panic!("{:?}", m.steps[2].op) };
    assert_eq!(b.assignments.len(), 2);
    assert_eq!(b.predicate.as_deref(), Some("display_name IS NULL"));
    assert_eq!((b.batch_size, b.pause_ms), (500, 50));
    let schemaflow::Op::Backfill(b) = &m.steps[3].op else { panic!("{:?}", m.steps[3].op) };
    assert_eq!((b.batch_size, b.pause_ms), (2000, 1000));
}
