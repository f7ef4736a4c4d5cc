// The four-phase rename as one migration: `run` adds `full_name`, keeps it
// in step with `name` by a trigger, backfills it, and stops at the deploy
// boundary; `cargo schemaflow complete` drops `name` once the new code is
// out everywhere.
schemaflow::migration! {
    online_change users {
        rename name -> full_name: String,
        rename email -> login: String,
        create_index users_login_key on (login) unique,
    } batch 500 pause 10ms;
}

fn main() {
    let m = migration();
    assert!(m.steps.iter().any(|s| matches!(s.op, schemaflow::Op::DeployBoundary { .. })));
}
