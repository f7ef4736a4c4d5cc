// migrations/postgresql/2024-02-14-170000_add_state_to_sso_nonce/up.sql, down.sql
// expect: rejected SF010
// why: drops `sso_nonce` with its rows; the rows are short-lived nonces, which is the reason to acknowledge it with
schemaflow::migration! {
    sql r###"DROP TABLE sso_nonce;

CREATE TABLE sso_nonce (
	state               TEXT NOT NULL PRIMARY KEY,
  	nonce               TEXT NOT NULL,
  	redirect_uri 		TEXT NOT NULL,
  	created_at          TIMESTAMP NOT NULL DEFAULT now()
);
"###
        down r###"DROP TABLE sso_nonce;

CREATE TABLE sso_nonce (
  nonce               CHAR(36) NOT NULL PRIMARY KEY,
  created_at          TIMESTAMP NOT NULL DEFAULT now()
);
"###;
}
