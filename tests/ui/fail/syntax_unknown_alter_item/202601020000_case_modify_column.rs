schemaflow::migration! {
    alter_table users {
        modify_column email: Varchar<320>,
    }
}

fn main() {}
