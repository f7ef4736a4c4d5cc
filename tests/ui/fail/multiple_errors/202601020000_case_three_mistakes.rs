schemaflow::migration! {
    create_table tags {
        id: i64 primary_key identity,
        label: Text,
    }
    add_index on tags(label);
    backfill tags set label = "untitled" where "label = ''" batch 100 pause 2m;
}

fn main() {}
