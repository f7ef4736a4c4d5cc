// An enum default must be one of the enum's values, and a value added in
// this migration cannot be used in it: PostgreSQL refuses a new enum value
// in the transaction that added it.
schemaflow::migration! {
    create_enum user_status { active, blocked }
    alter_table users {
        add_column status: Enum<user_status> = "activ",
    }
    alter_enum user_status add_value invited;
    alter_table users {
        set_default status = "invited",
    }
}

fn main() {}
