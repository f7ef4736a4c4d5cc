// migrations/sqlite/2018-09-10-111213_add_invites/up.sql, down.sql
// expect: compiles
// why: new tables only
schemaflow::migration! {
    sql r###"CREATE TABLE invitations (
    email   TEXT NOT NULL PRIMARY KEY
);"###
        down r###"DROP TABLE invitations;"###;
}
