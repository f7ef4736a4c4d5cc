schemaflow::migration! {
    alter_table post {
        add_column summary: Option<String>,
    }
}

fn main() {}
