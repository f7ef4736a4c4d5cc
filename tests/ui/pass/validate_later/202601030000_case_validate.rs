// The check added NOT VALID by the previous migration is validated here.
schemaflow::migration! {
    alter_table users {
        validate_constraint users_name_not_empty,
    }
}

fn main() {}
