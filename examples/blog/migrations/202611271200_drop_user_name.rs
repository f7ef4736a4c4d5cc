// Renaming `users.name` the safe way, step 2 (contract), one deploy after
// step 1: when one `run` applies both, it stops at the deploy boundary
// until `cargo schemaflow complete`. Dropping a column loses data, so it
// must be acknowledged; and a NOT NULL column cannot be re-added to a table
// with rows, so the way back is written out: re-add it with a default,
// refill it, drop the default.
schemaflow::migration! {
    deploy_boundary "deploy the code that reads and writes `display_name` instead of `name`, everywhere";

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
