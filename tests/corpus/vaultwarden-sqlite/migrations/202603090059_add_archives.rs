// migrations/sqlite/2026-03-09-005927_add_archives/up.sql, down.sql
// expect: compiles; advice SF021 SF030
// why: a new table (its DROP TABLE IF EXISTS finds none); foreign keys without an index and timestamps without a time zone (advice)
schemaflow::migration! {
    sql r###"DROP TABLE IF EXISTS archives;

CREATE TABLE archives (
    user_uuid   CHAR(36) NOT NULL REFERENCES users (uuid) ON DELETE CASCADE,
    cipher_uuid CHAR(36) NOT NULL REFERENCES ciphers (uuid) ON DELETE CASCADE,
    archived_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (user_uuid, cipher_uuid)
);
"###
        down r###"DROP TABLE IF EXISTS archives;
"###;
}
