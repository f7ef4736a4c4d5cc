// The wider key's index, built without blocking writes.
schemaflow::migration! {
    create_index devices_uuid_user_idx on devices(uuid, user_uuid) unique concurrently;
}
