schemaflow::migration! {
    alter_table users {
        add_column status: Varchar<20> = "active",
    }
    create_index on users(status) concurrently;

    down {
        drop_index users_status_idx concurrently;
        alter_table users {
            drop_column status,
        }
    }
}

fn main() {
    let m = migration();
    let schemaflow::Down::Explicit(down) = &m.down else { panic!("{:?}", m.down) };
    assert_eq!(down.len(), 2);
}
