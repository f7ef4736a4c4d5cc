// Rows copied in batches of the source's key into a table the same
// migration creates: the way back drops the table, copies and all.
schemaflow::migration! {
    create_table people {
        id: i64 primary_key,
        label: String,
    }
    copy_rows users into people (id, label = "upper(name)") batch 1000 pause 20ms;
}

fn main() {}
