// The old key goes and the index becomes the key, in one brief transaction:
// nothing is built while the table is locked.
schemaflow::migration! {
    alter_table devices {
        drop_constraint devices_pkey,
        add_constraint devices_pkey primary_key using index devices_uuid_user_idx,
    }
}

fn main() {}
