// migrations/postgresql/2024-02-26-170000_add_pkce_to_sso_nonce/up.sql, down.sql
// expect: rejected SF010
// why: drops `sso_nonce` with its rows (see above)
schemaflow::migration! {
    sql r###"DROP TABLE IF EXISTS sso_nonce;

CREATE TABLE sso_nonce (
    state               TEXT NOT NULL PRIMARY KEY,
    nonce               TEXT NOT NULL,
    verifier            TEXT,
    redirect_uri        TEXT NOT NULL,
    created_at          TIMESTAMP NOT NULL DEFAULT now()
);
"###
        down r###"DROP TABLE IF EXISTS sso_nonce;

CREATE TABLE sso_nonce (
    state               TEXT NOT NULL PRIMARY KEY,
    nonce               TEXT NOT NULL,
    redirect_uri        TEXT NOT NULL,
    created_at          TIMESTAMP NOT NULL DEFAULT now()
);
"###;
}
