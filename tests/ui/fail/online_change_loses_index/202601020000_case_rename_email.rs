schemaflow::migration! {
    online_change users {
        rename email -> login: String,
    }
}

fn main() {}
