// migrations/sqlite/2018-07-11-181453_create_u2f_twofactor/up.sql, down.sql
// expect: rejected SF018
// why: copies the TOTP secrets into the new `twofactor`, then clears `users.totp_secret` in one UPDATE of every row: batch it
schemaflow::migration! {
    sql r###"CREATE TABLE twofactor (
  uuid      TEXT     NOT NULL PRIMARY KEY,
  user_uuid TEXT     NOT NULL REFERENCES users (uuid),
  type      INTEGER  NOT NULL,
  enabled   BOOLEAN  NOT NULL,
  data      TEXT     NOT NULL,

  UNIQUE (user_uuid, type)
);


INSERT INTO twofactor (uuid, user_uuid, type, enabled, data) 
SELECT lower(hex(randomblob(16))) , uuid, 0, 1, u.totp_secret FROM users u where u.totp_secret IS NOT NULL;

UPDATE users SET totp_secret = NULL; -- Instead of recreating the table, just leave the columns empty"###
        down r###"UPDATE users
SET totp_secret = (
    SELECT twofactor.data FROM twofactor
    WHERE twofactor.type = 0 
    AND twofactor.user_uuid = users.uuid
);

DROP TABLE twofactor;"###;
}
