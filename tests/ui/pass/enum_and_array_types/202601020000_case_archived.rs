// A value added to an enum declared in an earlier migration, placed in
// the enum's order; the way back leaves it (derived).
schemaflow::migration! {
    alter_enum post_status add_value archived after published;
    alter_table posts {
        add_column previous_status: Option<Enum<post_status>>,
    }
}

fn main() {}
