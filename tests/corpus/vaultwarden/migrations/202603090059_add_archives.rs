// migrations/postgresql/2026-03-09-005927_add_archives/up.sql, down.sql
// expect: compiles; advice SF021 SF030
// why: DROP TABLE IF EXISTS of a table that is not there, then a new table
schemaflow::migration! {
    sql r###"DROP TABLE IF EXISTS archives;

CREATE TABLE archives (
    user_uuid   CHAR(36) NOT NULL REFERENCES users (uuid) ON DELETE CASCADE,
    cipher_uuid CHAR(36) NOT NULL REFERENCES ciphers (uuid) ON DELETE CASCADE,
    archived_at TIMESTAMP NOT NULL DEFAULT now(),
    PRIMARY KEY (user_uuid, cipher_uuid)
);
"###
        down r###"DROP TABLE IF EXISTS archives;
"###;
}
