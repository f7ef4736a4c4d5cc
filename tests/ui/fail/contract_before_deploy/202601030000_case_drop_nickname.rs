// The expand copied `nickname` into `handle` in the migration before; with
// no deploy boundary in between, one `run` would drop `nickname` under the
// code that still reads it.
schemaflow::migration! {
    #[allow(drop_column, "no code has read people.nickname since release 2.4")]
    alter_table people {
        drop_column nickname,
    }
}

fn main() {}
