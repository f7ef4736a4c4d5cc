schemaflow::migration! {
    alter_table users {
        add_column verified: bool = false,
    }
    backfill users verified = true;
}

fn main() {}
