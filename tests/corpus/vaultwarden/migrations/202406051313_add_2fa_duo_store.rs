// migrations/postgresql/2024-06-05-131359_add_2fa_duo_store/up.sql, down.sql
// expect: compiles
// why: a new table
schemaflow::migration! {
    sql r###"CREATE TABLE twofactor_duo_ctx (
    state      VARCHAR(64) NOT NULL,
    user_email VARCHAR(255)  NOT NULL,
    nonce      VARCHAR(64) NOT NULL,
    exp        BIGINT        NOT NULL,

    PRIMARY KEY (state)
);"###
        down r###"DROP TABLE twofactor_duo_ctx;
"###;
}
