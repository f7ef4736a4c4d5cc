schemaflow::migration! {
    sql "UPDATE users SET email = lower(email)" irreversible "the original spelling of the addresses is not kept";
}

fn main() {}
