schemaflow::migration! {
    sql "ALTER TABLE users ADD COLUMN the_date_and_time_on_which_this_user_last_confirmed_their_email_address timestamptz";
}

fn main() {}
