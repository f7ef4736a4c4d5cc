schemaflow::migration! {
    alter_table users {
        rename_column name display_name,
    }
}

fn main() {}
