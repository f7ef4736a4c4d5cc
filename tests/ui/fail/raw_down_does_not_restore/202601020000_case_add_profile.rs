schemaflow::migration! {
    sql "ALTER TABLE users ADD COLUMN bio text; ALTER TABLE users ADD COLUMN avatar_url text"
        down "ALTER TABLE users DROP COLUMN bio";
}

fn main() {}
