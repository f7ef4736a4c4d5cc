schemaflow::migration! {
    create_table notification_delivery_attempts {
        id: i64 primary_key identity,
        subscriber_account_id: i64,
        delivery_channel: String,
    }
    create_index on notification_delivery_attempts(subscriber_account_id, delivery_channel);
}

fn main() {}
