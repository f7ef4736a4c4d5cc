fn first_word(name: Option<String>) -> Option<String> {
    name?.split(' ').next().map(str::to_owned)
}

schemaflow::migration! {
    backfill people with first_word(name) -> first_name batch 100;
    irreversible "first names are derived data";
}

fn main() {
    use schemaflow::transform::Value;
    let m = migration();
    let f = m.transforms.get("first_word").expect("registered");
    assert_eq!(f(vec![Value::Text("Ada Lovelace".into())]), Ok(vec![Value::Text("Ada".into())]));
    assert_eq!(f(vec![Value::Null]), Ok(vec![Value::Null]));
    assert!(f(vec![Value::Int(3)]).is_ok(), "an integer reads as text");
}
