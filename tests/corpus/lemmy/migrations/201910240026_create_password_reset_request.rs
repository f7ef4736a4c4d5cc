// migrations/2019-10-24-002614_create_password_reset_request/up.sql, down.sql
// expect: compiles; advice SF021 SF022 SF030
// why: a new table
schemaflow::migration! {
    sql r###"CREATE TABLE password_reset_request (
    id serial PRIMARY KEY,
    user_id int REFERENCES user_ ON UPDATE CASCADE ON DELETE CASCADE NOT NULL,
    token_encrypted text NOT NULL,
    published timestamp NOT NULL DEFAULT now()
);

"###
        down r###"DROP TABLE password_reset_request;

"###;
}
