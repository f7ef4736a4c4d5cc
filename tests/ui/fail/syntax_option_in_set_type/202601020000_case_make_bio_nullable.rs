schemaflow::migration! {
    alter_table users {
        set_type bio: Option<String>,
    }
}

fn main() {}
