schemaflow::migration! {
    alter_table users {
        add_column verified: bool = false,
    }
    backfill users set verified = true where "email_confirmed_at IS NOT NULL" batch 500 pause 2m;
}

fn main() {}
