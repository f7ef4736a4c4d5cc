schemaflow::migration! {
    sql "" down "";
}

fn main() {}
