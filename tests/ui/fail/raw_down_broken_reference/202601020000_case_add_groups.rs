schemaflow::migration! {
    sql "CREATE TABLE groups (id bigint PRIMARY KEY, name text NOT NULL);
         CREATE TABLE group_members (
             group_id bigint NOT NULL REFERENCES groups (id),
             user_id bigint NOT NULL REFERENCES users (id),
             PRIMARY KEY (group_id, user_id)
         )"
    down "DROP TABLE groups; DROP TABLE group_members";
}

fn main() {}
