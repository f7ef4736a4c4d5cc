// The same contract as raw SQL: the copy of `nickname` into `handle` in the
// migration before, then its drop with no deploy boundary in between.
schemaflow::migration! {
    #[allow(drop_column, "no code has read people.nickname since release 2.4")]
    sql "ALTER TABLE people DROP COLUMN nickname";
}

fn main() {}
