// `name` is an `Option<String>` in the replayed schema, so a function that
// takes a `String` does not fit.
fn first_word(name: String) -> Option<String> {
    name.split(' ').next().map(str::to_owned)
}

schemaflow::migration! {
    backfill people with first_word(name) -> first_name;
    irreversible "first names are derived data";
}

fn main() {}
