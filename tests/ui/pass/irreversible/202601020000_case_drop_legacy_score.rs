schemaflow::migration! {
    #[allow(drop_column, "legacy_score has not been read or written since release 2.3")]
    alter_table users {
        drop_column legacy_score,
    }

    irreversible "legacy_score is discarded on purpose; its values cannot be restored";
}

fn main() {
    let m = migration();
    assert!(matches!(&m.down, schemaflow::Down::Irreversible(why) if why.contains("discarded")));
}
