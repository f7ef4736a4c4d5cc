schemaflow::migration! {
    alter_table users {
        add_constraint unique(email) not_valid,
    }
}

fn main() {}
