schemaflow::migration! {
    sql "DELETE FROM audit_log" irreversible;
}

fn main() {}
