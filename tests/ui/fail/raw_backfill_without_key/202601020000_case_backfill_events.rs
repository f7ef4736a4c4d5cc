schemaflow::migration! {
    backfill events set payload = "{}" where "payload IS NULL";
    irreversible "old payloads were empty";
}

fn main() {}
