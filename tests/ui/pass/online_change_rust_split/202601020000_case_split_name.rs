// A split whose two directions are Rust functions: the trigger logs each
// app's writes and the catch-up runs the function for the side written.
// Each function's signature is checked against the columns as the app
// version that writes them knows them: `name` as it was, the new columns
// as declared.
mod names {
    pub fn split(name: String) -> (String, Option<String>) {
        match name.split_once(' ') {
            Some((first, last)) => (first.to_owned(), Some(last.to_owned())),
            None => (name, None),
        }
    }

    pub fn join(first: String, last: Option<String>) -> String {
        match last {
            Some(last) => format!("{first} {last}"),
            None => first,
        }
    }
}

schemaflow::migration! {
    online_change people {
        add first_name: String,
        add last_name: Option<String>,
        retire name,
        with names::split(name) -> (first_name, last_name),
        with names::join(first_name, last_name) -> name,
    } batch 500 pause 10ms;
}

fn main() {
    use schemaflow::transform::Value;
    let m = migration();
    let split = m.transforms.get("names::split").expect("registered");
    assert_eq!(
        split(vec![Value::Text("Ada Lovelace".into())]),
        Ok(vec![Value::Text("Ada".into()), Value::Text("Lovelace".into())])
    );
    let join = m.transforms.get("names::join").expect("registered");
    assert_eq!(join(vec![Value::Text("Plato".into()), Value::Null]), Ok(vec![Value::Text("Plato".into())]));
}
