// migrations/sqlite/2018-05-25-232323_update_attachments_reference/up.sql, down.sql
// expect: rejected SF004
// why: a sound rebuild of `attachments` (every row copied, the key to the new `ciphers`), but the copy has no way back and the down is empty
schemaflow::migration! {
    sql r###"ALTER TABLE attachments RENAME TO oldAttachments;

CREATE TABLE attachments (
  id          TEXT    NOT NULL PRIMARY KEY,
  cipher_uuid TEXT    NOT NULL REFERENCES ciphers (uuid),
  file_name   TEXT    NOT NULL,
  file_size   INTEGER NOT NULL

);

INSERT INTO attachments (id, cipher_uuid, file_name, file_size) 
SELECT id, cipher_uuid, file_name, file_size FROM oldAttachments;

DROP TABLE oldAttachments;"###;
}
