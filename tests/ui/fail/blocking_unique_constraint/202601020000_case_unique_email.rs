schemaflow::migration! {
    alter_table users {
        add_constraint unique(email),
    }
}

fn main() {}
