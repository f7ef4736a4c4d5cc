schemaflow::migration! {
    create_table posts {
        id: i64 primary_key identity,
        tags: HashSet<String>,
        score: u32,
        title: Strng,
    }
}

fn main() {}
