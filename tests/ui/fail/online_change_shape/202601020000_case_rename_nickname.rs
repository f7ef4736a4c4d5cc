schemaflow::migration! {
    online_change users {
        rename nickname -> handle: String,
    }
}

fn main() {}
