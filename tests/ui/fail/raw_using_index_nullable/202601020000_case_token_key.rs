schemaflow::migration! {
    sql "ALTER TABLE devices ADD CONSTRAINT devices_pkey PRIMARY KEY USING INDEX devices_token_key";
}

fn main() {}
