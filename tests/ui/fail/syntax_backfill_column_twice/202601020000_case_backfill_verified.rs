schemaflow::migration! {
    alter_table users {
        add_column verified: bool = false,
    }
    backfill users set verified = true, verified = false;
}

fn main() {}
