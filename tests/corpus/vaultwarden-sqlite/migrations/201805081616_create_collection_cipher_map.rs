// migrations/sqlite/2018-05-08-161616_create_collection_cipher_map/up.sql, down.sql
// expect: compiles; advice SF021
// why: new tables only; foreign keys without an index (advice)
schemaflow::migration! {
    sql r###"CREATE TABLE ciphers_collections (
  cipher_uuid       TEXT NOT NULL REFERENCES ciphers (uuid),
  collection_uuid TEXT NOT NULL REFERENCES collections (uuid),
  PRIMARY KEY (cipher_uuid, collection_uuid)
);"###
        down r###"DROP TABLE ciphers_collections;"###;
}
