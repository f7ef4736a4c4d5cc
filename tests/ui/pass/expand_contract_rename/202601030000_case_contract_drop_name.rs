// Step 2 (contract), one deploy later: no running code uses `name` any more.
// The boundary makes one `run` that applies both steps stop in between.
schemaflow::migration! {
    deploy_boundary "deploy the code that reads `display_name` instead of `name`, everywhere";

    #[allow(drop_column, "no code has read or written users.name since release 1.4 (display_name replaced it)")]
    alter_table users {
        drop_column name,
    }

    down {
        alter_table users {
            add_column name: String = "",
        }
        backfill users set name = sql("coalesce(display_name, '')");
        alter_table users {
            drop_default name,
        }
    }
}

fn main() {
    let m = migration();
    assert_eq!(m.version, 202601030000);
    assert!(matches!(&m.down, schemaflow::Down::Explicit(steps) if steps.len() == 3));
    assert!(matches!(m.steps[0].op, schemaflow::Op::DeployBoundary { .. }));
}
