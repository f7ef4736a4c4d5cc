// A table renamed across deploys: `run` renames `users` to `accounts` and
// keeps `users` as a view the running code reads and writes through;
// `cargo schemaflow complete` drops the view once the new code is out.
schemaflow::migration! {
    rename_table users -> accounts online;
}

fn main() {
    let m = migration();
    assert!(m.steps.iter().any(|s| matches!(s.op, schemaflow::Op::DeployBoundary { .. })));
    assert!(m.steps.iter().any(|s| matches!(&s.op, schemaflow::Op::CreateCompatView { view, .. } if view == "users")));
}
