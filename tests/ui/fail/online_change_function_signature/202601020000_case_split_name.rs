// `last_name` is declared `Option<String>`: the function that computes
// `name` from the new columns must take it as one.
mod names {
    pub fn split(name: String) -> (String, Option<String>) {
        (name, None)
    }

    pub fn join(first: String, last: String) -> String {
        format!("{first} {last}")
    }
}

schemaflow::migration! {
    online_change people {
        add first_name: String,
        add last_name: Option<String>,
        retire name,
        with names::split(name) -> (first_name, last_name),
        with names::join(first_name, last_name) -> name,
    }
}

fn main() {}
