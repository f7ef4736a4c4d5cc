schemaflow::migration! {
    alter_table users {
        set_not_null display_name,
    }
}

fn main() {}
