// Rows copied into a table that already existed: the copies cannot be told
// apart from the rows that were there, so the way back must be written.
schemaflow::migration! {
    copy_rows users into users_backup (id, name) batch 1000;
}

fn main() {}
