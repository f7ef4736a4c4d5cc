// migrations/2019-06-01-222649_remove_admin/up.sql, down.sql
// expect: rejected SF018
// why: a DELETE on `user_` by a column with no index of its own scans the whole table in one statement; it removes one seed row, which is the reason to acknowledge it with
schemaflow::migration! {
    sql r###"DELETE FROM user_
WHERE name LIKE 'admin';

"###
        down r###"INSERT INTO user_ (name, fedi_name, password_encrypted)
    VALUES ('admin', 'TBD', 'TBD');

"###;
}
