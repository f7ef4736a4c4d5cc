schemaflow::migration! {
    alter_table users {
        rename_column name -> full_name,
    }
}

fn main() {}
