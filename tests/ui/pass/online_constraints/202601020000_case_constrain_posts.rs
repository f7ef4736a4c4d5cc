schemaflow::migration! {
    alter_table posts {
        add_constraint posts_title_not_empty check("length(title) > 0") not_valid,
        add_constraint foreign_key(author_id) references users(id) on_delete cascade not_valid,
        add_column editor_id: Option<i64> references users(id) not_valid,
    }
    create_index on posts(editor_id) concurrently;

    #[allow(unique_on_existing_data, "slugs are generated from ids; checked on production on 2026-01-05")]
    alter_table posts {
        add_constraint unique(slug) concurrently,
    }
}

fn main() {
    let m = migration();
    assert_eq!(m.steps.len(), 6);
    for step in &m.steps {
        if let schemaflow::Op::AddConstraint { online, .. } = &step.op {
            assert!(online, "{:?}", step.op);
        }
    }
}
