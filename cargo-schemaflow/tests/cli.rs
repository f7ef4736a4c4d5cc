//! `cargo schemaflow` end to end: the real binary on a copy of the example
//! workspace, against real SQLite files.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// A copy of `examples/blog` in a workspace of its own under
/// `target/schemaflow-it/<name>`.
fn example_workspace(name: &str) -> PathBuf {
    let root = repo().join("target/schemaflow-it").join(name);
    let _ = std::fs::remove_dir_all(&root);
    copy_dir(&repo().join("examples/blog"), &root.join("blog"));
    let _ = std::fs::remove_file(root.join("blog/schemaflow.db"));
    std::fs::write(
        root.join("Cargo.toml"),
        format!(
            "[workspace]\nresolver = \"3\"\nmembers = [\"blog\"]\n\n[workspace.package]\nedition = \"2024\"\n\n[workspace.dependencies]\nschemaflow = {{ path = {:?} }}\n",
            repo().join("schemaflow")
        ),
    )
    .unwrap();
    std::fs::copy(repo().join("Cargo.lock"), root.join("Cargo.lock")).unwrap();
    root
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fn schemaflow(ws: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cargo-schemaflow"))
        .arg("schemaflow")
        .args(args)
        .arg("--manifest-path")
        .arg(ws.join("Cargo.toml"))
        .arg("--color")
        .arg("never")
        .env("CARGO_TARGET_DIR", repo().join("target/schemaflow-it/target"))
        .env_remove("DATABASE_URL")
        .current_dir(ws)
        .output()
        .expect("cargo-schemaflow runs")
}

fn ok(ws: &Path, args: &[&str]) -> String {
    let out = schemaflow(ws, args);
    assert!(
        out.status.success(),
        "`cargo schemaflow {}` failed:\n{}\n{}",
        args.join(" "),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn fails(ws: &Path, args: &[&str]) -> (i32, String) {
    let out = schemaflow(ws, args);
    assert!(!out.status.success(), "`cargo schemaflow {}` should fail", args.join(" "));
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.code().unwrap_or(-1), text)
}

fn db_url(ws: &Path) -> String {
    format!("sqlite://{}", ws.join("app.db").display())
}

#[test]
fn new_run_status_rollback_run() {
    let ws = example_workspace("cli_cycle");
    let url = db_url(&ws);
    let out = ok(&ws, &["run", "--database-url", &url]);
    assert!(out.contains("applied 202611010900_create_users"), "{out}");
    // A fresh database: the online change's table was created in this run,
    // so its deploy boundary has nobody to wait for.
    assert!(out.contains("202611271500_rename_post_body: its deploy boundary is passed at once"), "{out}");
    assert!(out.contains("12 migrations applied"), "{out}");

    let out = ok(&ws, &["new", "add_post_views"]);
    assert!(out.contains("Created"), "{out}");
    let file = std::fs::read_dir(ws.join("blog/migrations"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().ends_with("_add_post_views.rs"))
        .expect("the new file exists");
    let template = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        template.replace(
            "schemaflow::migration! {\n}",
            "schemaflow::migration! {\n    alter_table posts { add_column views: i64 = 0 }\n}",
        ),
    )
    .unwrap();

    let (code, status) = fails(&ws, &["status", "--check", "--database-url", &url]);
    assert_eq!(code, 1);
    assert!(status.contains("pending") && status.contains("_add_post_views"), "{status}");

    let out = ok(&ws, &["run", "--database-url", &url]);
    assert!(out.contains("_add_post_views") && out.contains("1 migration applied"), "{out}");
    let status = ok(&ws, &["status", "--check", "--database-url", &url]);
    assert!(status.contains("Status: up to date (13 applied)"), "{status}");

    // Back through the online change: its rollback stops at its own
    // deploy boundary until `complete`.
    let out = ok(&ws, &["rollback", "--steps", "4", "--database-url", &url]);
    assert!(out.contains("2 migrations rolled back"), "{out}");
    assert!(out.contains("rollback waiting 202611271500_rename_post_body"), "{out}");
    let out = ok(&ws, &["complete", "--database-url", &url]);
    assert!(out.contains("rolled back 202611271500_rename_post_body"), "{out}");
    ok(&ws, &["rollback", "--database-url", &url]);
    let json = ok(&ws, &["status", "--format", "json", "--database-url", &url]);
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    let pending = value["migrations"].as_array().unwrap().iter().filter(|m| m["state"] == "pending").count();
    assert_eq!(pending, 4);
    assert_eq!(value["drift"], serde_json::json!([]));

    // Forward again on a database in use: `run` stops at the boundary, the
    // later migration waits, and `status` says what to deploy.
    let out = ok(&ws, &["run", "--database-url", &url]);
    assert!(out.contains("1 migration applied") && out.contains("expanded 202611271500_rename_post_body"), "{out}");
    assert!(
        out.contains("next: deploy the code that reads and writes `content` of `posts` instead of `body`"),
        "{out}"
    );
    let (code, status) = fails(&ws, &["status", "--check", "--database-url", &url]);
    assert_eq!(code, 1);
    assert!(
        status.contains("expanded 202611271500_rename_post_body") && status.contains("waiting for its contract"),
        "{status}"
    );
    assert!(status.contains("pending  ") && status.contains("_add_post_views"), "{status}");
    let json = ok(&ws, &["status", "--format", "json", "--database-url", &url]);
    assert!(json.contains("\"state\":\"expanded\""), "{json}");
    let out = ok(&ws, &["run", "--database-url", &url]);
    assert!(out.contains("waits for its contract") && out.contains("Nothing to apply"), "{out}");
    let dry = ok(&ws, &["run", "--dry-run", "--database-url", &url]);
    assert!(dry.contains("202611271500_rename_post_body is expanded and waits at its deploy boundary"), "{dry}");
    assert!(
        dry.contains("DROP TRIGGER IF EXISTS \"posts_content_sync_insert_old\"")
            && dry.contains("DROP COLUMN \"body\""),
        "{dry}"
    );
    assert!(!dry.contains("_add_post_views"), "nothing after it runs: {dry}");
    let out = ok(&ws, &["complete", "--database-url", &url]);
    assert!(out.contains("applied 202611271500_rename_post_body"), "{out}");
    let out = ok(&ws, &["run", "--database-url", &url]);
    assert!(out.contains("2 migrations applied"), "{out}");
    ok(&ws, &["status", "--check", "--database-url", &url]);

    ok(&ws, &["rollback", "--to", "0", "--database-url", &url]);
    ok(&ws, &["complete", "--database-url", &url]);
    ok(&ws, &["rollback", "--to", "0", "--database-url", &url]);
    let status = ok(&ws, &["status", "--database-url", &url]);
    assert!(status.contains("13 pending"), "{status}");
}

#[test]
fn dry_run_touches_nothing() {
    let ws = example_workspace("cli_dry_run");
    let url = db_url(&ws);
    let out = ok(&ws, &["run", "--dry-run", "--database-url", &url]);
    assert!(!ws.join("app.db").exists(), "a dry run does not create the database");
    assert!(out.contains("-- migration 202611260900_widen_post_title"), "{out}");
    assert!(out.contains("rebuilds table posts"), "the SQLite rebuild is marked:\n{out}");
    assert!(out.contains("BEGIN;") && out.contains("COMMIT;"));
    // The online rename, phase by phase, with what each app version may do.
    assert!(
        out.contains("-- 1. expand: `cargo schemaflow run`")
            && out.contains("--     code deployed for it: reads and writes `posts.content`"),
        "{out}"
    );

    ok(&ws, &["run", "--to", "202611241530", "--database-url", &url]);
    let before = std::fs::read(ws.join("app.db")).unwrap();
    let out = ok(&ws, &["run", "--dry-run", "--database-url", &url]);
    assert!(!out.contains("202611241530_add_user_verified"), "applied migrations are not shown:\n{out}");
    assert!(out.contains("-- migration 202611250900_add_post_slug"), "{out}");
    assert_eq!(std::fs::read(ws.join("app.db")).unwrap(), before, "the file is byte for byte the same");
}

#[test]
fn a_changed_migration_is_refused_by_name() {
    let ws = example_workspace("cli_changed");
    let url = db_url(&ws);
    ok(&ws, &["run", "--database-url", &url]);
    let file = ws.join("blog/migrations/202611010905_create_posts.rs");
    let text = std::fs::read_to_string(&file).unwrap();
    // Reformatting changes nothing.
    std::fs::write(
        &file,
        text.replace("    create_index on posts(author_id);", "    create_index   on posts( author_id ) ;"),
    )
    .unwrap();
    ok(&ws, &["status", "--check", "--database-url", &url]);
    // A real change is refused.
    std::fs::write(&file, text.replace("body: String = \"\"", "body: String = \"(empty)\"")).unwrap();
    let (code, out) = fails(&ws, &["run", "--database-url", &url]);
    assert_eq!(code, 1);
    assert!(out.contains("migration 202611010905_create_posts was changed after it was applied"), "{out}");
    let (_, status) = fails(&ws, &["status", "--check", "--database-url", &url]);
    assert!(status.contains("changed") && status.contains("202611010905_create_posts"), "{status}");
}

#[test]
fn a_failed_migration_leaves_the_database_as_it_was() {
    let ws = example_workspace("cli_failure");
    let url = db_url(&ws);
    ok(&ws, &["run", "--database-url", &url]);
    let conn = rusqlite::Connection::open(ws.join("app.db")).unwrap();
    conn.execute_batch(
        "INSERT INTO users (email, verified) VALUES ('a@x', 1);
         INSERT INTO posts (author_id, title) VALUES (1, 'Hello');
         INSERT INTO comments (post_id, body) VALUES (1, 'First!'), (1, 'spam');",
    )
    .unwrap();
    drop(conn);
    std::fs::write(
        ws.join("blog/migrations/202612010000_forbid_short_comments.rs"),
        "schemaflow::migration! {\n    alter_table comments {\n        add_constraint comments_body_long check(\"length(body) > 5\") not_valid,\n    }\n}\n",
    )
    .unwrap();
    let before = std::fs::read(ws.join("app.db")).unwrap();
    let (code, out) = fails(&ws, &["run", "--database-url", &url]);
    assert_eq!(code, 1);
    assert!(out.contains("migration 202612010000_forbid_short_comments failed"), "{out}");
    assert!(out.contains("CHECK constraint failed"), "the database's message is shown:\n{out}");
    assert!(out.contains("in statement: INSERT INTO \"_schemaflow_new_comments\""), "the statement is named:\n{out}");
    assert_eq!(std::fs::read(ws.join("app.db")).unwrap(), before, "the database is byte for byte as before");
    let status = fails(&ws, &["status", "--check", "--database-url", &url]).1;
    assert!(status.contains("pending  202612010000_forbid_short_comments"), "{status}");
}

/// `cargo schemaflow run --format json` started in the background, its
/// output piped.
fn spawn_json_run(ws: &Path, url: &str) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_cargo-schemaflow"))
        .args(["schemaflow", "run", "--format", "json", "--database-url", url, "--manifest-path"])
        .arg(ws.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", repo().join("target/schemaflow-it/target"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap()
}

#[test]
fn two_runs_at_once_apply_each_migration_once() {
    let ws = example_workspace("cli_concurrent");
    let url = db_url(&ws);
    // Build once, so both runs start together.
    ok(&ws, &["run", "--dry-run", "--database-url", &url]);
    let (a, b) = (spawn_json_run(&ws, &url), spawn_json_run(&ws, &url));
    let outputs = [a.wait_with_output().unwrap(), b.wait_with_output().unwrap()];
    let mut applied = Vec::new();
    let mut passed = Vec::new();
    for out in &outputs {
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        for line in String::from_utf8_lossy(&out.stdout).lines() {
            let event: serde_json::Value = serde_json::from_str(line).unwrap();
            if event["event"] == "applied" {
                applied.push(event["migration"].as_str().unwrap().to_owned());
            }
            if event["event"] == "boundary_passed" {
                passed.push(event.clone());
            }
        }
    }
    // The tables both changes across deploys work on were created in the same run.
    assert_eq!(
        passed,
        [
            serde_json::json!({ "event": "boundary_passed", "migration": "202611271200_drop_user_name", "tables": ["users"], "reason": "created_in_this_run" }),
            serde_json::json!({ "event": "boundary_passed", "migration": "202611271500_rename_post_body", "tables": ["posts"], "reason": "created_in_this_run" })
        ]
    );
    applied.sort();
    let before = applied.len();
    applied.dedup();
    assert_eq!(before, 12, "each of the 12 migrations was applied exactly once: {applied:?}");
    assert_eq!(applied.len(), 12);
    let conn = rusqlite::Connection::open(ws.join("app.db")).unwrap();
    let rows: i64 = conn.query_row("SELECT count(*) FROM schemaflow_migrations", [], |r| r.get(0)).unwrap();
    assert_eq!(rows, 12);
}

#[test]
fn new_sets_up_a_package_without_migrations() {
    let root = empty_workspace("cli_new_package");

    let (code, out) = fails(&root, &["run"]);
    assert_eq!(code, 2);
    assert!(out.contains("has no migrations yet") && out.contains("cargo schemaflow new"), "{out}");
    let (_, out) = fails(&root, &["new", "Create-Orders"]);
    assert!(out.contains("not a valid description"), "{out}");

    let out = ok(&root, &["new", "create_orders"]);
    assert!(out.contains("embed_migrations") && out.contains("build.rs"), "{out}");
    assert!(
        std::fs::read_to_string(root.join("shop/src/lib.rs")).unwrap().contains("schemaflow::embed_migrations!();")
    );
    let file = std::fs::read_dir(root.join("shop/migrations")).unwrap().next().unwrap().unwrap().path();
    std::fs::write(&file, "schemaflow::migration! {\n    create_table orders { id: i64 primary_key identity, total: Decimal<10, 2> = 0 }\n}\n").unwrap();
    let out = ok(&root, &["run"]);
    assert!(out.contains("_create_orders") && out.contains("1 migration applied"), "{out}");
    assert!(root.join("shop/schemaflow.db").exists(), "the default database is schemaflow.db in the package");

    let (_, out) = fails(&root, &["status", "-p", "nope"]);
    assert!(out.contains("package `nope` does not depend on schemaflow; these do: shop"), "{out}");
}

#[test]
fn import_brings_a_sqlx_directory_over_and_says_what_the_rules_reject() {
    let root = empty_workspace("cli_import");
    let source = root.join("sqlx-migrations");
    std::fs::create_dir_all(&source).unwrap();
    for (file, sql) in [
        (
            "20230105120000_create_orders.up.sql",
            "CREATE TABLE orders (id INTEGER PRIMARY KEY, total INTEGER NOT NULL DEFAULT 0);",
        ),
        ("20230105120000_create_orders.down.sql", "DROP TABLE orders;"),
        ("20230210093000_add_note.up.sql", "ALTER TABLE orders ADD COLUMN note TEXT;"),
        ("20230210093000_add_note.down.sql", "ALTER TABLE orders DROP COLUMN note;"),
        ("20230301080000_index_note.up.sql", "CREATE INDEX orders_note ON orders (note);"),
        ("20230301080000_index_note.down.sql", "DROP INDEX orders_note;"),
    ] {
        std::fs::write(source.join(file), sql).unwrap();
    }
    let out = ok(&root, &["import", "sqlx-migrations", "--dry-run"]);
    assert!(out.contains("Would import 3 sqlx migrations"), "{out}");
    assert!(!root.join("shop/migrations").exists(), "a dry run writes nothing");
    let out = ok(&root, &["import", "sqlx-migrations"]);
    assert!(out.contains("202301051200_create_orders.rs: compiles"), "{out}");
    assert!(out.contains("202302100930_add_note.rs: compiles"), "{out}");
    // An index built while writes wait, on a table in use: what an expert
    // would reject, with its rule code.
    assert!(out.contains("202303010800_index_note.rs: rejected") && out.contains("[SF013"), "{out}");
    assert!(out.contains("2 compile, 1 would be rejected"), "{out}");
    // Statements that map one to one are written as DSL steps; an
    // `INTEGER PRIMARY KEY`, which SQLite fills in itself, stays as written.
    let note = std::fs::read_to_string(root.join("shop/migrations/202302100930_add_note.rs")).unwrap();
    assert!(note.contains("    alter_table orders {\n        add_column note: Option<String>,\n    }\n"), "{note}");
    let orders = std::fs::read_to_string(root.join("shop/migrations/202301051200_create_orders.rs")).unwrap();
    assert!(orders.contains("CREATE TABLE orders (id INTEGER PRIMARY KEY"), "{orders}");
    assert!(
        std::fs::read_to_string(root.join("shop/src/lib.rs")).unwrap().contains("schemaflow::embed_migrations!();")
    );
    let (_, out) = fails(&root, &["import", "sqlx-migrations"]);
    assert!(out.contains("already holds 3 migrations"), "{out}");

    // The two that compile run, and roll back.
    std::fs::remove_file(root.join("shop/migrations/202303010800_index_note.rs")).unwrap();
    let out = ok(&root, &["run"]);
    assert!(out.contains("2 migrations applied"), "{out}");
    let out = ok(&root, &["rollback", "--to", "0"]);
    assert!(out.contains("2 migrations rolled back"), "{out}");
}

#[test]
fn an_unsafe_migration_does_not_run() {
    let ws = example_workspace("cli_unsafe");
    std::fs::write(
        ws.join("blog/migrations/202612010000_add_user_flag.rs"),
        "schemaflow::migration! {\n    alter_table users { add_column flag: bool }\n}\n",
    )
    .unwrap();
    let url = db_url(&ws);
    let (_, out) = fails(&ws, &["run", "--database-url", &url]);
    assert!(out.contains("SF003 add-required-column"), "{out}");
    assert!(out.contains("do not compile"), "{out}");
    assert!(!ws.join("app.db").exists(), "nothing ran");
}

/// A database of its own on the local PostgreSQL server, dropped at the end.
fn postgres_database(label: &str) -> Option<schemaflow_core::runner::test_database::TestDatabase> {
    schemaflow_core::runner::test_database::TestDatabase::create(label)
}

#[test]
fn the_example_on_postgres_with_two_runners_at_once() {
    let Some(db) = postgres_database("cli_pg") else { return };
    let ws = example_workspace("cli_postgres");
    ok(&ws, &["run", "--dry-run", "--database-url", &db.url]);
    let spawn = || {
        Command::new(env!("CARGO_BIN_EXE_cargo-schemaflow"))
            .args([
                "schemaflow",
                "run",
                "--format",
                "json",
                "--schema",
                "blog",
                "--database-url",
                &db.url,
                "--manifest-path",
            ])
            .arg(ws.join("Cargo.toml"))
            .env("CARGO_TARGET_DIR", repo().join("target/schemaflow-it/target"))
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (spawn(), spawn());
    let mut applied = Vec::new();
    for out in [a.wait_with_output().unwrap(), b.wait_with_output().unwrap()] {
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        for line in String::from_utf8_lossy(&out.stdout).lines() {
            let event: serde_json::Value = serde_json::from_str(line).unwrap();
            if event["event"] == "applied" {
                applied.push(event["migration"].as_str().unwrap().to_owned());
            }
        }
    }
    assert_eq!(applied.len(), 12, "each migration applied once in all: {applied:?}");
    let status = ok(&ws, &["status", "--check", "--schema", "blog", "--database-url", &db.url]);
    assert!(status.contains("Status: up to date (12 applied)"), "{status}");

    // The online change's way back waits at its boundary for the old code.
    let out = ok(&ws, &["rollback", "--to", "0", "--schema", "blog", "--database-url", &db.url]);
    assert!(out.contains("rollback waiting 202611271500_rename_post_body"), "{out}");
    ok(&ws, &["complete", "--schema", "blog", "--database-url", &db.url]);
    let out = ok(&ws, &["rollback", "--to", "0", "--schema", "blog", "--database-url", &db.url]);
    assert!(out.contains("10 migrations rolled back"), "{out}");
    let out = ok(&ws, &["run", "--schema", "blog", "--database-url", &db.url]);
    assert!(out.contains("12 migrations applied"), "{out}");
    let dry = ok(&ws, &["run", "--dry-run", "--schema", "blog", "--database-url", &db.url]);
    assert!(dry.contains("nothing to apply"), "{dry}");
}

#[test]
fn passwords_are_redacted_in_every_message() {
    let ws = example_workspace("cli_redact");
    let (_, out) = fails(&ws, &["status", "--database-url", "postgres://app:hunter2@127.0.0.1:1/nowhere"]);
    assert!(out.contains("postgres://app:***@127.0.0.1:1/nowhere"), "{out}");
    // Every shape, in both output formats; a URL that cannot be used is a
    // bad value (2), an unreachable server a failure (1).
    let shapes = [
        ("postgres://app:hunter2@127.0.0.1:1/nowhere", 1),
        ("postgres://app:pa/hunter2@127.0.0.1:1/nowhere", 1),
        ("postgres:/app:hunter2@127.0.0.1:1/nowhere", 2),
        ("postgres://app:hunter2@127.0.0.1:notaport/nowhere", 2),
        ("host=127.0.0.1 port=1 user=app password=hunter2 dbname=nowhere", 2),
        ("postgres://127.0.0.1:1/nowhere?user=app&password=hunter2", 1),
    ];
    for (url, code) in shapes {
        for format in ["human", "json"] {
            let (exit, out) = fails(&ws, &["status", "--format", format, "--database-url", url]);
            assert!(!out.contains("hunter2"), "{url} ({format}):\n{out}");
            assert_eq!(exit, code, "{url} ({format}):\n{out}");
        }
    }
}

/// The harness binary `cargo schemaflow` built for a workspace, and a
/// request for it, so a test can start (and kill) the process that runs
/// the migrations itself, with the request on its standard input (kept
/// open, as the CLI keeps it, while the harness runs).
fn spawn_harness(ws: &Path, url: &str) -> (std::process::Child, std::process::ChildStdin) {
    spawn_harness_for(ws, url, serde_json::json!({ "run": { "to": null, "dry_run": false } }))
}

/// [`spawn_harness`] with another command (`{ "rollback": { … } }`).
fn spawn_harness_for(
    ws: &Path,
    url: &str,
    command: serde_json::Value,
) -> (std::process::Child, std::process::ChildStdin) {
    use std::io::Write;
    let target = repo().join("target/schemaflow-it/target/debug");
    let blog_dir = ws.join("blog");
    let hash = blog_dir
        .to_string_lossy()
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3));
    let exe = target.join(format!("schemaflow-harness-blog-{:08x}", hash as u32));
    assert!(exe.exists(), "{} was built", exe.display());
    let request = serde_json::json!({
        "command": command,
        "database_url": url, "format": "json", "color": false, "quiet": false, "verbose": false,
        "namespace": "blog",
    });
    let mut child = Command::new(exe)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut pipe = child.stdin.take().unwrap();
    writeln!(pipe, "{request}").unwrap();
    (child, pipe)
}

/// A copy of the example with a `counters` table of `rows` rows (hits = 0)
/// and a pending migration that adds 1 to every counter in batches of
/// `batch`, 10 ms apart: a row changed twice would show 2.
fn counters_workspace(name: &str, rows: u32, batch: u32) -> (PathBuf, String, rusqlite::Connection) {
    let pending = format!(
        "schemaflow::migration! {{\n    backfill counters set hits = sql(\"hits + 1\") batch {batch} pause 10ms;\n    irreversible \"counts are data\";\n}}\n"
    );
    counters_workspace_with(name, rows, &pending)
}

/// A copy of the example with a `counters` table of `rows` rows (hits = 0)
/// and `pending` as the pending migration `202612020000_count_once.rs`.
fn counters_workspace_with(name: &str, rows: u32, pending: &str) -> (PathBuf, String, rusqlite::Connection) {
    let ws = example_workspace(name);
    let url = db_url(&ws);
    std::fs::write(
        ws.join("blog/migrations/202612010000_create_counters.rs"),
        "schemaflow::migration! {\n    create_table counters { id: i64 primary_key identity, hits: i64 = 0 }\n}\n",
    )
    .unwrap();
    ok(&ws, &["run", "--database-url", &url]);
    let conn = rusqlite::Connection::open(ws.join("app.db")).unwrap();
    conn.execute_batch(&format!(
        "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < {rows}) INSERT INTO counters (hits) SELECT 0 FROM s"
    ))
    .unwrap();
    std::fs::write(ws.join("blog/migrations/202612020000_count_once.rs"), pending).unwrap();
    (ws, url, conn)
}

#[test]
fn a_backfill_killed_at_any_moment_resumes_and_changes_every_row_once() {
    let (ws, url, conn) = counters_workspace("cli_kill", 30000, 100);
    let dry = ok(&ws, &["run", "--dry-run", "--database-url", &url]); // also builds the harness
    assert!(dry.contains("30000 rows to change now: about 300 batches, 3.0 s of pauses"), "{dry}");
    let kills = run_and_kill(&ws, &url);
    assert!(kills >= 2, "the backfill was killed mid-way at least twice ({kills})");
    let done: i64 = conn.query_row("SELECT rows_done FROM schemaflow_backfills", [], |r| r.get(0)).unwrap_or(30000);
    assert!(done > 0, "progress was recorded before the kills");
    let status = fails(&ws, &["status", "--check", "--database-url", &url]).1;
    assert!(status.contains("partial") && status.contains("202612020000_count_once"), "{status}");

    let out = ok(&ws, &["run", "--database-url", &url]);
    assert!(out.contains("applied 202612020000_count_once"), "{out}");
    let (ones, others): (i64, i64) = conn
        .query_row(
            "SELECT count(*) FILTER (WHERE hits = 1), count(*) FILTER (WHERE hits <> 1) FROM counters",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((ones, others), (30000, 0), "every row changed exactly once");
    ok(&ws, &["status", "--check", "--database-url", &url]);
}

/// Starts `run` four times and SIGKILLs it 150 to 350 ms in: how many
/// runs were killed before they finished.
fn run_and_kill(ws: &Path, url: &str) -> usize {
    let mut kills = 0;
    for delay in [150, 250, 350, 200] {
        let (mut child, _pipe) = spawn_harness(ws, url);
        std::thread::sleep(std::time::Duration::from_millis(delay));
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap(); // SIGKILL
            kills += 1;
        }
        child.wait().unwrap();
    }
    kills
}

/// `copy_rows` shares the backfill's batches: killed at any moment, the next
/// run copies the rest, and no row is copied twice (the target's key would
/// refuse a second copy) or left out.
#[test]
fn a_copy_killed_at_any_moment_resumes_and_copies_every_row_once() {
    let pending = "schemaflow::migration! {\n    create_table tallies { id: i64 primary_key, hits: i64 }\n    copy_rows counters into tallies (id, hits = \"hits + 1\") batch 100 pause 10ms;\n}\n";
    let (ws, url, conn) = counters_workspace_with("cli_kill_copy", 30000, pending);
    let dry = ok(&ws, &["run", "--dry-run", "--database-url", &url]); // also builds the harness
    assert!(dry.contains("copy"), "{dry}");
    let kills = run_and_kill(&ws, &url);
    assert!(kills >= 2, "the copy was killed mid-way at least twice ({kills})");
    let copied: i64 = conn.query_row("SELECT count(*) FROM tallies", [], |r| r.get(0)).unwrap();
    assert!(copied > 0 && copied < 30000, "killed part-way ({copied} rows copied)");
    let status = fails(&ws, &["status", "--check", "--database-url", &url]).1;
    assert!(status.contains("partial") && status.contains("202612020000_count_once"), "{status}");

    let out = ok(&ws, &["run", "--database-url", &url]);
    assert!(out.contains("applied 202612020000_count_once"), "{out}");
    let (rows, ones, missing): (i64, i64, i64) = conn
        .query_row(
            "SELECT count(*), count(*) FILTER (WHERE hits = 1), \
             (SELECT count(*) FROM counters c WHERE NOT EXISTS (SELECT 1 FROM tallies t WHERE t.id = c.id)) FROM tallies",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!((rows, ones, missing), (30000, 30000, 0), "every row copied exactly once");
    ok(&ws, &["status", "--check", "--database-url", &url]);
    // The way back drops the table the migration created.
    ok(&ws, &["rollback", "--database-url", &url]);
    let left: i64 =
        conn.query_row("SELECT count(*) FROM sqlite_master WHERE name = 'tallies'", [], |r| r.get(0)).unwrap();
    assert_eq!(left, 0);
}

#[test]
fn ctrl_c_stops_after_the_current_batch_and_the_next_run_resumes() {
    let (ws, url, conn) = counters_workspace("cli_interrupt", 5000, 50);
    ok(&ws, &["run", "--dry-run", "--database-url", &url]);
    let (mut child, _pipe) = spawn_harness(&ws, &url);
    std::thread::sleep(std::time::Duration::from_millis(300));
    let pid = child.id().to_string();
    assert!(Command::new("kill").args(["-INT", &pid]).status().unwrap().success());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130), "stopped by Ctrl-C");
    let changed: i64 = conn.query_row("SELECT count(*) FROM counters WHERE hits = 1", [], |r| r.get(0)).unwrap();
    assert!(changed > 0 && changed < 5000 && changed % 50 == 0, "stopped on a batch boundary ({changed})");
    ok(&ws, &["run", "--database-url", &url]);
    let ones: i64 = conn.query_row("SELECT count(*) FROM counters WHERE hits = 1", [], |r| r.get(0)).unwrap();
    assert_eq!(ones, 5000);
}

#[test]
fn the_example_splits_display_names_with_its_rust_function() {
    let ws = example_workspace("cli_transform");
    let url = db_url(&ws);
    ok(&ws, &["run", "--to", "202611271300", "--database-url", &url]);
    let conn = rusqlite::Connection::open(ws.join("app.db")).unwrap();
    conn.execute_batch(
        "INSERT INTO users (email, display_name) VALUES ('a@x', 'Ada Lovelace'), ('p@x', 'Plato'), ('n@x', NULL);",
    )
    .unwrap();
    let out = ok(&ws, &["run", "--database-url", &url]);
    assert!(out.contains("applied 202611271400_split_display_name"), "{out}");
    let rows: Vec<(String, Option<String>, Option<String>)> = conn
        .prepare("SELECT email, first_name, last_name FROM users ORDER BY email")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        rows,
        [
            ("a@x".to_owned(), Some("Ada".to_owned()), Some("Lovelace".to_owned())),
            ("n@x".to_owned(), None, None),
            ("p@x".to_owned(), Some("Plato".to_owned()), None),
        ]
    );
}

#[test]
fn plan_describes_the_pending_migrations() {
    let ws = example_workspace("cli_plan");
    let url = db_url(&ws);
    ok(&ws, &["run", "--to", "202611271300", "--database-url", &url]);
    let text = ok(&ws, &["plan", "--database-url", &url]);
    assert!(text.contains("## 202611271400_split_display_name"), "{text}");
    assert!(!text.contains("## 202611010900_create_users"), "applied migrations are not in the plan");
    assert!(text.contains("**Kind:** data transformation"), "{text}");
    assert!(text.contains("## Pre-deployment checklist"), "{text}");
    let json =
        ok(&ws, &["plan", "--format", "json", "--for", "postgres", "--from", "202611010900", "--database-url", &url]);
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(doc["migrations"].as_array().unwrap().len(), 12);
    assert_eq!(doc["database"], "postgres");
    let out = ok(
        &ws,
        &[
            "plan",
            "--for",
            "postgres",
            "--from",
            "202611010900",
            "--output",
            "plan.md",
            "--database-url",
            "sqlite://missing.db",
        ],
    );
    assert!(out.contains("Wrote the plan of 12 migration(s)"), "{out}");
    let written = std::fs::read_to_string(ws.join("plan.md")).unwrap();
    let checked_in = std::fs::read_to_string(repo().join("examples/blog/docs/migration-plan.md")).unwrap();
    assert_eq!(written, checked_in, "the CLI writes the plan the example keeps in its docs");
}

#[test]
fn test_passes_on_the_example_on_sqlite_and_postgres_and_fails_on_a_down_that_loses_data() {
    let ws = example_workspace("cli_test");
    let out = ok(&ws, &["test", "--rows", "500", "--junit", "junit.xml"]);
    assert!(out.contains("12 passed, 0 failed"), "{out}");
    let xml = std::fs::read_to_string(ws.join("junit.xml")).unwrap();
    assert!(xml.contains("tests=\"12\" failures=\"0\""), "{xml}");
    if let Some(db) = postgres_database("cli_test_pg") {
        let out = ok(&ws, &["test", "--rows", "500", "--database-url", &db.url]);
        assert!(out.contains("12 passed, 0 failed"), "{out}");
    }

    // A way back that drops and re-adds the wrong column keeps the schema
    // but loses its values.
    let file = ws.join("blog/migrations/202611270900_add_user_display_name.rs");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        text.replace(
            "    backfill users set display_name = sql(\"name\") where \"display_name IS NULL\";\n}",
            "    backfill users set display_name = sql(\"name\") where \"display_name IS NULL\";\n    down {\n        alter_table users { drop_column display_name }\n        alter_table users { drop_column email_confirmed_at }\n        alter_table users { add_column email_confirmed_at: Option<TimestampTz> }\n    }\n}",
        ),
    )
    .unwrap();
    let (code, out) = fails(&ws, &["test", "--rows", "500", "--format", "human"]);
    assert_eq!(code, 1);
    assert!(out.contains("202611270900_add_user_display_name") && out.contains("FAILED"), "{out}");
    assert!(out.contains("`users.email_confirmed_at` does not hold the values it had"), "{out}");
}

#[test]
fn test_from_a_copy_of_a_real_database_leaves_the_source_untouched() {
    let ws = example_workspace("cli_test_from");
    let url = db_url(&ws);
    ok(&ws, &["run", "--to", "202611270900", "--database-url", &url]);
    let conn = rusqlite::Connection::open(ws.join("app.db")).unwrap();
    conn.execute_batch(
        "INSERT INTO users (email, name, display_name) VALUES ('a@x', 'Ada Lovelace', 'Ada Lovelace'), ('b@x', 'Plato', 'Plato');",
    )
    .unwrap();
    drop(conn);
    let before = std::fs::read(ws.join("app.db")).unwrap();
    let out = ok(&ws, &["test", "--from", &url]);
    assert!(out.contains("202611271400_split_display_name") && out.contains("0 failed"), "{out}");
    assert!(!out.contains("202611010900_create_users "), "migrations the copy already has are not tested again: {out}");
    assert_eq!(std::fs::read(ws.join("app.db")).unwrap(), before, "the source is only read");
}

/// The processes whose parent is `parent` (from /proc).
fn children_of(parent: u32) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else { return Vec::new() };
    entries
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            // `pid (comm) state ppid …`: the fields after the last `)`.
            std::fs::read_to_string(format!("/proc/{pid}/stat")).ok().is_some_and(|stat| {
                stat.rsplit_once(')').and_then(|(_, rest)| rest.split_whitespace().nth(1)?.parse::<u32>().ok())
                    == Some(parent)
            })
        })
        .collect()
}

/// Whether `pid` still runs (a zombie waiting to be reaped does not).
fn running(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|stat| stat.rsplit_once(')').map(|(_, rest)| rest.trim_start().to_owned()))
        .is_some_and(|rest| !rest.starts_with('Z') && !rest.starts_with('X'))
}

#[test]
fn the_harness_has_no_secret_in_its_environment_and_stops_when_the_cli_is_killed() {
    let (ws, url, conn) = counters_workspace("cli_orphan", 5000, 50);
    ok(&ws, &["run", "--dry-run", "--database-url", &url]);
    // SQLite ignores a query string: it stands for a password here.
    let url = format!("{url}?password=hunter2");
    let mut cli = Command::new(env!("CARGO_BIN_EXE_cargo-schemaflow"))
        .args(["schemaflow", "run", "--database-url", &url, "--manifest-path"])
        .arg(ws.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", repo().join("target/schemaflow-it/target"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    let harness = loop {
        let found = children_of(cli.id()).into_iter().find(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/comm")).is_ok_and(|c| c.starts_with("schemaflow-harn"))
        });
        if let Some(pid) = found {
            break pid;
        }
        assert!(started.elapsed().as_secs() < 60, "the harness started");
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    let environment = std::fs::read(format!("/proc/{harness}/environ")).unwrap();
    assert!(!String::from_utf8_lossy(&environment).contains("hunter2"), "the URL is not in the harness's environment");
    let changed = |conn: &rusqlite::Connection| -> i64 {
        conn.query_row("SELECT count(*) FROM counters WHERE hits = 1", [], |r| r.get(0)).unwrap()
    };
    while changed(&conn) == 0 {
        assert!(started.elapsed().as_secs() < 60, "the backfill started");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    cli.kill().unwrap(); // SIGKILL: no chance to stop the harness itself
    cli.wait().unwrap();
    let killed = std::time::Instant::now();
    while running(harness) {
        assert!(killed.elapsed().as_secs() < 10, "the harness ends when the CLI is gone");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let at_exit = changed(&conn);
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert_eq!(changed(&conn), at_exit, "nothing changes once the harness is gone");
    assert!(at_exit < 5000, "it stopped part-way ({at_exit})");
    ok(&ws, &["run", "--database-url", &url]);
    assert_eq!(changed(&conn), 5000, "the next run finishes it, each row once");
}

/// Starts the harness with `command` once per delay and kills it (SIGKILL)
/// after that delay if it is still running; after each kill `status` must
/// read the database. Returns how many runs were killed mid-way.
fn kill_at(ws: &Path, url: &str, command: &serde_json::Value, delays: &[u64], label: &str) -> usize {
    let mut kills = 0;
    for &delay in delays {
        let (mut child, _pipe) = spawn_harness_for(ws, url, command.clone());
        std::thread::sleep(std::time::Duration::from_millis(delay));
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap();
            kills += 1;
        }
        child.wait().unwrap();
        let out = schemaflow(ws, &["status", "--database-url", url]);
        let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        let when = format!("{label} killed after {delay} ms");
        assert!(matches!(out.status.code(), Some(0 | 1)) && !text.contains("panicked"), "{when}: {text}");
    }
    kills
}

/// Kills the runner (SIGKILL) at a spread of moments, forward through a
/// batched backfill and then back through its batched rollback; after each
/// kill `status` reads the database, and in the end the next command
/// completes, changing every row exactly once each way.
fn killed_at_any_moment(name: &str, url: &str, exec: &mut dyn FnMut(&str), count: &mut dyn FnMut(&str) -> i64) {
    let ws = example_workspace(name);
    std::fs::write(
        ws.join("blog/migrations/202612010000_create_counters.rs"),
        "schemaflow::migration! {\n    create_table counters { id: i64 primary_key identity, hits: i64 = 0 }\n}\n",
    )
    .unwrap();
    std::fs::write(
        ws.join("blog/migrations/202612020000_count_once.rs"),
        "schemaflow::migration! {\n    backfill counters set hits = sql(\"hits + 1\") batch 100 pause 5ms;\n    down { backfill counters set hits = sql(\"hits - 1\") batch 100 pause 5ms }\n}\n",
    )
    .unwrap();
    ok(&ws, &["run", "--to", "202612010000", "--database-url", url]);
    exec(
        "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 6000) INSERT INTO counters (hits) SELECT 0 FROM s",
    );
    let delays = [15, 40, 80, 130, 200, 280, 380, 500];
    let run = serde_json::json!({ "run": { "to": null, "dry_run": false } });
    let mut kills = kill_at(&ws, url, &run, &delays, "run");
    ok(&ws, &["run", "--database-url", url]);
    assert_eq!(count("hits = 1"), 6000, "every row changed once forward ({kills} kills)");
    let back = serde_json::json!({ "rollback": { "steps": null, "to": 202612010000u64 } });
    kills += kill_at(&ws, url, &back, &delays, "rollback");
    ok(&ws, &["rollback", "--to", "202612010000", "--database-url", url]);
    assert_eq!(count("hits = 0"), 6000, "every row changed once back ({kills} kills)");
    assert!(kills >= 8, "most kills landed mid-way ({kills})");
    ok(&ws, &["run", "--database-url", url]);
    assert_eq!(count("hits = 1"), 6000, "a new run starts at the first row");
    ok(&ws, &["status", "--check", "--database-url", url]);
}

#[test]
fn killed_at_any_moment_on_sqlite_the_next_command_completes() {
    let root = repo().join("target/schemaflow-it/cli_kill_sqlite");
    let url = format!("sqlite://{}", root.join("app.db").display());
    let open = || rusqlite::Connection::open(root.join("app.db")).unwrap();
    killed_at_any_moment("cli_kill_sqlite", &url, &mut |sql| open().execute_batch(sql).unwrap(), &mut |filter| {
        open().query_row(&format!("SELECT count(*) FROM counters WHERE {filter}"), [], |r| r.get(0)).unwrap()
    });
}

#[test]
fn killed_at_any_moment_on_postgres_the_next_command_completes() {
    let Some(db) = postgres_database("cli_kill") else { return };
    let url = db.url.clone();
    killed_at_any_moment(
        "cli_kill_postgres",
        &url,
        &mut |sql| db.connect().batch_execute(sql).unwrap(),
        &mut |filter| {
            db.connect().query_one(&format!("SELECT count(*) FROM counters WHERE {filter}"), &[]).unwrap().get(0)
        },
    );
}

#[test]
fn two_processes_on_one_sqlite_file_change_each_row_once() {
    let (ws, url, conn) = counters_workspace("cli_two_processes", 6000, 100);
    ok(&ws, &["run", "--dry-run", "--database-url", &url]);
    let (a, b) = (spawn_json_run(&ws, &url), spawn_json_run(&ws, &url));
    let mut events = Vec::new();
    for out in [a.wait_with_output().unwrap(), b.wait_with_output().unwrap()] {
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        for line in String::from_utf8_lossy(&out.stdout).lines() {
            let event: serde_json::Value = serde_json::from_str(line).unwrap();
            events.push(event["event"].as_str().unwrap_or_default().to_owned());
        }
    }
    assert_eq!(events.iter().filter(|e| *e == "applied").count(), 1, "the backfill applied once: {events:?}");
    assert!(events.iter().any(|e| e == "waiting"), "one process waited for the other: {events:?}");
    let (ones, others): (i64, i64) = conn
        .query_row(
            "SELECT count(*) FILTER (WHERE hits = 1), count(*) FILTER (WHERE hits <> 1) FROM counters",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((ones, others), (6000, 0), "every row changed exactly once");
}

#[test]
fn an_unchanged_crate_skips_cargo_and_any_change_builds_again() {
    let ws = example_workspace("cli_fingerprint");
    let url = db_url(&ws);
    ok(&ws, &["run", "--database-url", &url]);
    let cargo_ran = |ws: &Path| {
        let out = schemaflow(ws, &["status", "--verbose", "--database-url", &url]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stderr).contains("Finished")
    };
    assert!(!cargo_ran(&ws), "nothing changed: cargo is not asked");
    // Writing a file again, same size and content, still counts.
    let file = ws.join("blog/migrations/202611010900_create_users.rs");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, &text).unwrap();
    assert!(cargo_ran(&ws), "a touched migration builds again");
    assert!(!cargo_ran(&ws));
    std::fs::write(ws.join("blog/src/extra.rs"), "// a new source file\n").unwrap();
    assert!(cargo_ran(&ws), "a new file in the package builds again");
}

#[test]
fn new_twice_in_a_minute_gives_the_second_the_next_minute() {
    let ws = example_workspace("cli_new_twice");
    let first = ok(&ws, &["new", "add_views"]);
    let second = ok(&ws, &["new", "add_likes"]);
    assert!(first.contains("Created") && second.contains("Created"), "{first}{second}");
    let mut versions: Vec<String> = std::fs::read_dir(ws.join("blog/migrations"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with("_add_views.rs") || n.ends_with("_add_likes.rs"))
        .collect();
    versions.sort();
    assert_eq!(versions.len(), 2, "{versions:?}");
    assert!(versions[1].ends_with("_add_likes.rs"), "the second comes after the first: {versions:?}");
    let url = db_url(&ws);
    let out = ok(&ws, &["run", "--database-url", &url]);
    assert!(out.contains("14 migrations applied"), "both new files compile and apply: {out}");
}

#[test]
fn templates_give_migrations_that_compile_apply_and_plan_online() {
    let ws = example_workspace("cli_templates");
    let url = db_url(&ws);
    ok(&ws, &["run", "--database-url", &url]);
    ok(&ws, &["new", "add_user_nickname", "--template", "backfill", "--table", "users", "--column", "nickname"]);
    ok(&ws, &["new", "check_post_titles", "--template", "online", "--table", "posts", "--column", "title"]);
    ok(&ws, &["new", "count_comments", "--template", "sql", "--table", "comments", "--column", "post_id"]);
    let out = ok(&ws, &["run", "--database-url", &url]);
    assert!(out.contains("3 migrations applied"), "{out}");
    let db = rusqlite::Connection::open(ws.join("app.db")).unwrap();
    let nicknames: i64 =
        db.query_row("SELECT count(*) FROM users WHERE nickname IS NOT NULL", [], |r| r.get(0)).unwrap();
    let users: i64 = db.query_row("SELECT count(*) FROM users", [], |r| r.get(0)).unwrap();
    assert_eq!(nicknames, users, "the backfill reached every row");
    db.query_row("SELECT count(*) FROM comments_post_id_counts", [], |r| r.get::<_, i64>(0)).unwrap();
    let plan = ok(&ws, &["plan", "--from", "0", "--for", "postgres", "--database-url", &url]);
    assert!(plan.contains("CREATE INDEX CONCURRENTLY IF NOT EXISTS \"posts_title_idx\""), "{plan}");
    assert!(plan.contains("ADD CONSTRAINT \"posts_title_present\" CHECK (title IS NOT NULL) NOT VALID"), "{plan}");
    assert!(plan.contains("in batches of 1000 rows"), "{plan}");
    let out = ok(&ws, &["rollback", "--steps", "3", "--database-url", &url]);
    assert!(out.contains("3 migrations rolled back"), "{out}");

    // Without --table, the placeholder names the table to replace.
    ok(&ws, &["new", "fill_something", "--template", "backfill"]);
    let (_, out) = fails(&ws, &["run", "--dry-run", "--database-url", &url]);
    assert!(out.contains("table `my_table` does not exist"), "{out}");
    let (_, out) = fails(&ws, &["new", "bad", "--template", "sql", "--table", "Users"]);
    assert!(out.contains("`Users` is not a table or column name"), "{out}");
}

#[test]
fn run_backup_on_sqlite_copies_the_database_first_and_the_plan_ticks_it() {
    let ws = example_workspace("cli_backup_sqlite");
    let url = db_url(&ws);
    ok(&ws, &["run", "--to", "202611010910", "--database-url", &url]);
    let plan = ok(&ws, &["plan", "--database-url", &url]);
    assert!(plan.contains("- [ ] backup taken: "), "{plan}");

    // `backup` on its own: recorded at the database's version, so the plan
    // of what is pending ticks it.
    let out = ok(&ws, &["backup", "--database-url", &url]);
    assert!(out.contains("backed up the database to "), "{out}");
    let standalone = out.split("backed up the database to ").nth(1).unwrap().split(" (").next().unwrap().to_owned();
    assert!(standalone.starts_with(&ws.join("app.db.").display().to_string()), "beside the database: {standalone}");
    let plan = ok(&ws, &["plan", "--database-url", &url]);
    assert!(plan.contains(&format!("- [x] backup taken: {standalone} at ")), "{plan}");

    // `run --backup-to`: the copy holds the database as it was before.
    let copy = ws.join("backups/before-deploy.db");
    let out = ok(&ws, &["run", "--backup-to", copy.to_str().unwrap(), "--database-url", &url]);
    assert!(out.contains(&format!("backed up the database to {}", copy.display())), "{out}");
    // The expand of the display-name rename and its contract in one run:
    // it stops at the contract's deploy boundary.
    assert!(out.contains("4 migrations applied") && out.contains("expanded 202611271200_drop_user_name"), "{out}");
    let before = rusqlite::Connection::open(&copy).unwrap();
    let recorded: i64 = before.query_row("SELECT count(*) FROM schemaflow_migrations", [], |r| r.get(0)).unwrap();
    assert_eq!(recorded, 3, "the copy is of the database before the run");
    let has_verified: i64 = before
        .query_row("SELECT count(*) FROM pragma_table_info('users') WHERE name = 'verified'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(has_verified, 0, "the copy lacks what the run added");
    // The plan of the migrations the run applied ticks the backup taken before them.
    let plan = ok(&ws, &["plan", "--from", "202611241530", "--database-url", &url]);
    assert!(plan.contains(&format!("- [x] backup taken: {} at ", copy.display())), "{plan}");
    // A plan of a range no backup was taken before stays open.
    let plan = ok(&ws, &["plan", "--from", "202611010905", "--database-url", &url]);
    assert!(plan.contains("- [ ] backup taken: "), "{plan}");
    // The contract, once its deploy is out, then the rest up to the
    // online change's own boundary.
    ok(&ws, &["complete", "--database-url", &url]);
    let out = ok(&ws, &["run", "--database-url", &url]);
    assert!(out.contains("expanded 202611271500_rename_post_body"), "{out}");

    // Nothing pending: no backup is written.
    let out = ok(&ws, &["run", "--backup", "--database-url", &url]);
    assert!(out.contains("Nothing to apply") && !out.contains("backed up"), "{out}");

    // A backup never overwrites another; the run then does nothing.
    ok(&ws, &["rollback", "--database-url", &url]);
    let (_, out) = fails(&ws, &["run", "--backup-to", copy.to_str().unwrap(), "--database-url", &url]);
    assert!(out.contains("exists already"), "{out}");
    let status = ok(&ws, &["status", "--database-url", &url]);
    assert!(status.contains("2 pending"), "{status}");
}

#[test]
fn run_backup_on_postgres_dumps_a_restorable_archive_or_runs_nothing() {
    let Some(db) = postgres_database("cli_backup_pg") else { return };
    let Some(restored) = postgres_database("cli_backup_pg_restored") else { return };
    let ws = example_workspace("cli_backup_pg");
    ok(&ws, &["run", "--to", "202611010910", "--database-url", &db.url]);

    // Without pg_dump, the run stops before anything changes.
    let out = Command::new(env!("CARGO_BIN_EXE_cargo-schemaflow"))
        .args(["schemaflow", "run", "--backup", "--color", "never", "--database-url", &db.url, "--manifest-path"])
        .arg(ws.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", repo().join("target/schemaflow-it/target"))
        .env("SCHEMAFLOW_PG_DUMP", "/nonexistent/pg_dump")
        .current_dir(&ws)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && text.contains("/nonexistent/pg_dump was not found"), "{text}");
    assert!(text.contains("nothing ran"), "{text}");
    let status = ok(&ws, &["status", "--database-url", &db.url]);
    assert!(status.contains("9 pending"), "{status}");
    let leftovers: Vec<_> = std::fs::read_dir(&ws)
        .unwrap()
        .filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().ends_with(".dump"))
        .collect();
    assert!(leftovers.is_empty(), "a failed dump leaves no file");

    let out = ok(&ws, &["run", "--backup", "--database-url", &db.url]);
    assert!(out.contains("4 migrations applied") && out.contains("expanded 202611271200_drop_user_name"), "{out}");
    let dump = out.split("backed up the database to ").nth(1).unwrap().split(" (").next().unwrap().to_owned();
    assert!(dump.starts_with(&ws.display().to_string()) && dump.ends_with(".dump"), "{dump}");
    let plan = ok(&ws, &["plan", "--from", "202611241530", "--database-url", &db.url]);
    assert!(plan.contains(&format!("- [x] backup taken: {dump} at ")), "{plan}");

    // The archive restores to the database as it was before the run.
    let restore = Command::new("pg_restore").args(["--no-owner", "--dbname", &restored.url, &dump]).output().unwrap();
    assert!(restore.status.success(), "{}", String::from_utf8_lossy(&restore.stderr));
    let mut client = postgres::Client::connect(&restored.url, postgres::NoTls).unwrap();
    let recorded: i64 = client.query_one("SELECT count(*) FROM schemaflow_migrations", &[]).unwrap().get(0);
    assert_eq!(recorded, 3);
    let verified: i64 = client
        .query_one(
            "SELECT count(*) FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'verified'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(verified, 0, "the archive holds the schema before the run");
}

/// Adopts the database at `url` into a new crate (`init --from`), then
/// checks what a team relies on: no drift, the baseline replays on the
/// empty database at `fresh` without drift, and a new migration on `table`
/// applies, rolls back and applies again. Returns `init`'s output.
fn adopt_and_migrate_further(name: &str, url: &str, fresh: &str, table: &str) -> String {
    let ws = empty_workspace(name);
    let out = ok(&ws, &["init", "--from", url]);
    assert!(out.contains("_baseline (not run)"), "{out}");
    ok(&ws, &["status", "--check", "--database-url", url]);
    ok(&ws, &["run", "--database-url", fresh]);
    ok(&ws, &["status", "--check", "--database-url", fresh]);
    write_migration(&ws, "add_note", &format!("    alter_table {table} {{ add_column note: Option<String> }}"));
    let run = ok(&ws, &["run", "--database-url", url]);
    assert!(run.contains("1 migration applied"), "{run}");
    ok(&ws, &["status", "--check", "--database-url", url]);
    ok(&ws, &["rollback", "--database-url", url]);
    ok(&ws, &["run", "--database-url", url]);
    ok(&ws, &["status", "--check", "--database-url", url]);
    out
}

/// A SQLite database to adopt, `app.db` in a directory of its own under
/// `target/schemaflow-it/<name>`, and the URLs of it and of an empty
/// `fresh.db` beside it.
fn sqlite_to_adopt(name: &str) -> (rusqlite::Connection, String, String) {
    let dir = repo().join("target/schemaflow-it").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let conn = rusqlite::Connection::open(dir.join("app.db")).unwrap();
    let url = |file: &str| format!("sqlite://{}", dir.join(file).display());
    (conn, url("app.db"), url("fresh.db"))
}

#[test]
fn a_database_diesel_migrated_on_sqlite_is_adopted_then_migrated_further() {
    let (conn, url, fresh) = sqlite_to_adopt("adopt_diesel_sqlite_db");
    // As diesel_cli leaves it: its bookkeeping table and what its
    // migrations' up.sql files made (SQLite: INTEGER PRIMARY KEY, a trigger).
    conn.execute_batch(
        "CREATE TABLE __diesel_schema_migrations (version VARCHAR(50) PRIMARY KEY NOT NULL, run_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP);
         INSERT INTO __diesel_schema_migrations (version) VALUES ('20240101000000'), ('20240102000000');
         CREATE TABLE users (id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, name VARCHAR NOT NULL, hair_color VARCHAR,
           created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP, updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP);
         CREATE TABLE posts (id INTEGER PRIMARY KEY NOT NULL, user_id INTEGER NOT NULL REFERENCES users(id),
           title VARCHAR NOT NULL, body TEXT NOT NULL, published BOOLEAN NOT NULL DEFAULT 0);
         CREATE INDEX posts_user_id ON posts(user_id);
         CREATE TRIGGER users_updated_at AFTER UPDATE ON users FOR EACH ROW
           BEGIN UPDATE users SET updated_at = CURRENT_TIMESTAMP WHERE id = NEW.id; END;
         INSERT INTO users (name) VALUES ('Sean'), ('Tess');
         INSERT INTO posts (user_id, title, body) VALUES (1, 'Hello', 'World');",
    )
    .unwrap();
    let out = adopt_and_migrate_further("cli_adopt_diesel_sqlite", &url, &fresh, "posts");
    assert!(out.contains("history of diesel (2 migrations"), "{out}");
    assert!(out.contains("as raw SQL: trigger users_updated_at"), "{out}");
    let kept: (i64, i64, i64) = conn
        .query_row(
            "SELECT (SELECT count(*) FROM users), (SELECT count(*) FROM posts), (SELECT count(*) FROM __diesel_schema_migrations)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(kept, (2, 1, 2), "rows and diesel's history are untouched");
}

#[test]
fn a_hand_made_sqlite_database_is_adopted_then_migrated_further() {
    let (conn, url, fresh) = sqlite_to_adopt("adopt_hand_sqlite_db");
    conn.execute_batch(
        "CREATE TABLE tags (name TEXT PRIMARY KEY NOT NULL, color TEXT NOT NULL DEFAULT 'grey');
         CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL CHECK (length(body) > 0), pinned INTEGER NOT NULL DEFAULT 0,
           created REAL NOT NULL DEFAULT (julianday('now')));
         CREATE TABLE note_tags (note_id INTEGER NOT NULL REFERENCES notes(id) ON DELETE CASCADE,
           tag TEXT NOT NULL REFERENCES tags(name) ON UPDATE CASCADE, PRIMARY KEY (note_id, tag));
         CREATE INDEX note_tags_tag ON note_tags(tag);
         CREATE UNIQUE INDEX notes_pinned_body ON notes(body) WHERE pinned = 1;
         INSERT INTO tags (name) VALUES ('work');
         INSERT INTO notes (body) VALUES ('first');
         INSERT INTO note_tags VALUES (1, 'work');",
    )
    .unwrap();
    let out = adopt_and_migrate_further("cli_adopt_hand_sqlite", &url, &fresh, "notes");
    assert!(out.contains("(3 tables)"), "{out}");
    let rows: i64 = conn.query_row("SELECT count(*) FROM note_tags", [], |r| r.get(0)).unwrap();
    assert_eq!(rows, 1);
}

#[test]
fn a_database_sqlx_migrated_on_postgres_is_adopted_then_migrated_further() {
    let Some(db) = postgres_database("cli_adopt_sqlx_pg") else { return };
    let Some(fresh) = postgres_database("cli_adopt_sqlx_pg_fresh") else { return };
    let mut client = postgres::Client::connect(&db.url, postgres::NoTls).unwrap();
    // As sqlx-cli leaves it on PostgreSQL: `_sqlx_migrations`, and a schema
    // in sqlx's usual style (uuid keys, jsonb, timestamptz).
    client
        .batch_execute(
            "CREATE TABLE _sqlx_migrations (version BIGINT PRIMARY KEY, description TEXT NOT NULL,
               installed_on TIMESTAMPTZ NOT NULL DEFAULT now(), success BOOLEAN NOT NULL, checksum BYTEA NOT NULL,
               execution_time BIGINT NOT NULL);
             INSERT INTO _sqlx_migrations VALUES (20240101120000, 'accounts', now(), true, '\\x00', 3),
                                                 (20240201120000, 'sessions', now(), true, '\\x00', 4);
             CREATE TABLE accounts (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), email text NOT NULL UNIQUE,
               settings jsonb NOT NULL DEFAULT '{}', created_at timestamptz NOT NULL DEFAULT now());
             CREATE TABLE sessions (token text PRIMARY KEY, account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
               expires_at timestamptz NOT NULL);
             CREATE INDEX sessions_account_id ON sessions(account_id);
             INSERT INTO accounts (email) VALUES ('a@example.com');",
        )
        .unwrap();
    let out = adopt_and_migrate_further("cli_adopt_sqlx_pg", &db.url, &fresh.url, "accounts");
    assert!(out.contains("history of sqlx (2 migrations"), "{out}");
    let kept: (i64, i64) = {
        let r = client
            .query_one("SELECT (SELECT count(*) FROM accounts), (SELECT count(*) FROM _sqlx_migrations)", &[])
            .unwrap();
        (r.get(0), r.get(1))
    };
    assert_eq!(kept, (1, 2), "rows and sqlx's history are untouched");
}

#[test]
fn a_hand_made_postgres_database_is_adopted_then_migrated_further() {
    let Some(db) = postgres_database("cli_adopt_hand_pg") else { return };
    let Some(fresh) = postgres_database("cli_adopt_hand_pg_fresh") else { return };
    let mut client = postgres::Client::connect(&db.url, postgres::NoTls).unwrap();
    client
        .batch_execute(
            "CREATE TABLE warehouses (code char(3) PRIMARY KEY, name text NOT NULL);
             CREATE TABLE stock (warehouse char(3) NOT NULL REFERENCES warehouses(code) ON UPDATE CASCADE,
               sku text NOT NULL, quantity integer NOT NULL DEFAULT 0 CONSTRAINT stock_quantity_positive CHECK (quantity >= 0),
               price numeric(10,2), updated_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (warehouse, sku));
             CREATE INDEX stock_sku ON stock (sku);
             CREATE UNIQUE INDEX warehouses_lower_name ON warehouses (lower(name));
             INSERT INTO warehouses VALUES ('BER', 'Berlin');
             INSERT INTO stock (warehouse, sku, quantity) VALUES ('BER', 'A-1', 5);",
        )
        .unwrap();
    let out = adopt_and_migrate_further("cli_adopt_hand_pg", &db.url, &fresh.url, "stock");
    assert!(out.contains("(2 tables)") && out.contains("as raw SQL: index warehouses_lower_name"), "{out}");
    let quantity: i32 = client.query_one("SELECT quantity FROM stock", &[]).unwrap().get(0);
    assert_eq!(quantity, 5);
}

/// A workspace with one package, `shop`, that depends on schemaflow and
/// has no migrations yet (the repository's lock file pins its versions).
fn empty_workspace(name: &str) -> PathBuf {
    let root = repo().join("target/schemaflow-it").join(name);
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(root.join("shop/src")).unwrap();
    std::fs::write(
        root.join("Cargo.toml"),
        format!("[workspace]\nresolver = \"3\"\nmembers = [\"shop\"]\n\n[workspace.dependencies]\nschemaflow = {{ path = {:?} }}\n", repo().join("schemaflow")),
    )
    .unwrap();
    std::fs::write(
        root.join("shop/Cargo.toml"),
        "[package]\nname = \"shop\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n[dependencies]\nschemaflow.workspace = true\n",
    )
    .unwrap();
    std::fs::write(root.join("shop/src/lib.rs"), "//! The shop's database.\n").unwrap();
    std::fs::copy(repo().join("Cargo.lock"), root.join("Cargo.lock")).unwrap();
    root
}

/// Writes the body of a new migration named `description`.
fn write_migration(ws: &Path, description: &str, body: &str) {
    ok(ws, &["new", description]);
    let dir = ws.join("shop/migrations");
    let file = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().ends_with(&format!("_{description}.rs")))
        .unwrap();
    std::fs::write(file, format!("schemaflow::migration! {{\n{body}\n}}\n")).unwrap();
}

#[test]
fn a_database_sqlx_migrated_on_sqlite_is_adopted_then_migrated_further() {
    let ws = empty_workspace("cli_adopt_sqlite");
    let db = ws.join("shop.db");
    let url = format!("sqlite://{}", db.display());
    let conn = rusqlite::Connection::open(&db).unwrap();
    // The database a sqlx-cli project leaves: its bookkeeping table (as
    // sqlx creates it), the tables its migrations made, and rows.
    conn.execute_batch(
        "CREATE TABLE _sqlx_migrations (version BIGINT PRIMARY KEY, description TEXT NOT NULL,
           installed_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP, success BOOLEAN NOT NULL,
           checksum BLOB NOT NULL, execution_time BIGINT NOT NULL);
         INSERT INTO _sqlx_migrations VALUES (20240101120000, 'create authors', CURRENT_TIMESTAMP, 1, x'00', 5),
                                             (20240102120000, 'create books', CURRENT_TIMESTAMP, 0, x'00', 5);
         CREATE TABLE authors (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT UNIQUE,
           created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP);
         CREATE TABLE books (id INTEGER PRIMARY KEY, author_id INTEGER NOT NULL REFERENCES authors(id) ON DELETE CASCADE,
           title VARCHAR(200) NOT NULL, price NUMERIC(8,2) CHECK (price >= 0), status TEXT NOT NULL DEFAULT 'draft');
         CREATE INDEX books_author_idx ON books(author_id);
         CREATE INDEX books_title_lower ON books(lower(title));
         CREATE VIEW cheap_books AS SELECT * FROM books WHERE price < 10;
         INSERT INTO authors (name, email) VALUES ('Ann', 'ann@example.com');
         INSERT INTO books (author_id, title, price) VALUES (1, 'Dune', 9.5);",
    )
    .unwrap();
    let (_, out) = fails(&ws, &["init", "--from", &url]);
    assert!(out.contains("sqlx recorded migration 20240102120000") && out.contains("failed"), "{out}");
    conn.execute_batch("UPDATE _sqlx_migrations SET success = 1").unwrap();

    let out = ok(&ws, &["init", "--from", &url]);
    assert!(out.contains("(2 tables)") && out.contains("history of sqlx (2 migrations"), "{out}");
    assert!(
        out.contains("as raw SQL: index books_title_lower") && out.contains("as raw SQL: view cheap_books"),
        "{out}"
    );
    assert!(out.contains("recorded as applied") && out.contains("_baseline (not run)"), "{out}");
    let status = ok(&ws, &["status", "--check", "--database-url", &url]);
    assert!(status.contains("Drift: none"), "{status}");

    // The baseline gives the same schema on an empty database.
    let fresh = format!("sqlite://{}", ws.join("fresh.db").display());
    ok(&ws, &["run", "--database-url", &fresh]);
    ok(&ws, &["status", "--check", "--database-url", &fresh]);

    write_migration(&ws, "add_book_isbn", "    alter_table books { add_column isbn: Option<Varchar<20>> }");
    let out = ok(&ws, &["run", "--database-url", &url]);
    assert!(out.contains("_add_book_isbn") && out.contains("1 migration applied"), "{out}");
    ok(&ws, &["status", "--check", "--database-url", &url]);
    let kept: (i64, i64, i64) = conn
        .query_row("SELECT (SELECT count(*) FROM authors), (SELECT count(*) FROM books), (SELECT count(*) FROM _sqlx_migrations)", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .unwrap();
    assert_eq!(kept, (1, 1, 2), "rows and sqlx's history are untouched");
    let (_, out) = fails(&ws, &["init", "--from", &url]);
    assert!(out.contains("already has migrations"), "{out}");
}

#[test]
fn a_database_diesel_migrated_on_postgres_is_adopted_then_migrated_further() {
    let Some(db) = postgres_database("cli_adopt") else { return };
    let ws = empty_workspace("cli_adopt_postgres");
    let mut client = postgres::Client::connect(&db.url, postgres::NoTls).unwrap();
    client
        .batch_execute(
            "CREATE TABLE __diesel_schema_migrations (version VARCHAR(50) PRIMARY KEY NOT NULL, run_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP);
             INSERT INTO __diesel_schema_migrations (version) VALUES ('00000000000000'), ('20240101120000');
             CREATE TYPE mood AS ENUM ('happy', 'sad');
             CREATE TABLE authors (id serial PRIMARY KEY, name text NOT NULL, email varchar(320) UNIQUE, feeling mood,
               tags text[], created_at timestamptz NOT NULL DEFAULT now());
             CREATE TABLE books (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
               author_id integer NOT NULL REFERENCES authors(id) ON DELETE CASCADE, title varchar(200) NOT NULL,
               price numeric(8,2) CHECK (price >= 0), status text NOT NULL DEFAULT 'draft', published boolean NOT NULL DEFAULT false);
             CREATE INDEX books_title_lower ON books (lower(title));
             CREATE INDEX books_published ON books (published) WHERE published;
             CREATE VIEW cheap_books AS SELECT * FROM books WHERE price < 10;
             CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.status := coalesce(NEW.status, 'draft'); RETURN NEW; END $$;
             CREATE TRIGGER books_touch BEFORE INSERT ON books FOR EACH ROW EXECUTE FUNCTION touch();
             INSERT INTO authors (name) VALUES ('Ann');",
        )
        .unwrap();
    let out = ok(&ws, &["init", "--from", &db.url]);
    assert!(out.contains("databases = [\"postgres\"]") && out.contains("history of diesel (2 migrations"), "{out}");
    for raw in ["type mood", "function touch", "index books_title_lower", "view cheap_books", "trigger books_touch"] {
        assert!(out.contains(&format!("as raw SQL: {raw}")), "{raw}: {out}");
    }
    assert!(out.contains("advice (acknowledged in the file): SF021"), "{out}");
    assert!(out.contains("_baseline (not run)"), "{out}");
    ok(&ws, &["status", "--check", "--database-url", &db.url]);

    let Some(fresh) = postgres_database("cli_adopt_fresh") else { return };
    ok(&ws, &["run", "--database-url", &fresh.url]);
    ok(&ws, &["status", "--check", "--database-url", &fresh.url]);

    write_migration(&ws, "add_book_isbn", "    alter_table books { add_column isbn: Option<Varchar<20>> }");
    ok(&ws, &["run", "--database-url", &db.url]);
    ok(&ws, &["status", "--check", "--database-url", &db.url]);
    let authors: i64 = client.query_one("SELECT count(*) FROM authors", &[]).unwrap().get(0);
    assert_eq!(authors, 1);

    // A database that is not at those versions is not recorded as being there.
    let mut versions: Vec<String> = std::fs::read_dir(ws.join("shop/migrations"))
        .unwrap()
        .filter_map(|e| e.unwrap().file_name().to_str().and_then(|n| n.split('_').next()).map(str::to_owned))
        .collect();
    versions.sort();
    let Some(other) = postgres_database("cli_adopt_other") else { return };
    let mut c2 = postgres::Client::connect(&other.url, postgres::NoTls).unwrap();
    c2.batch_execute("CREATE TABLE stray (id bigint PRIMARY KEY)").unwrap();
    let (_, out) = fails(&ws, &["mark-applied", &versions[1], "--database-url", &other.url]);
    assert!(out.contains("would stay pending before"), "{out}");
    let mut args = vec!["mark-applied"];
    args.extend(versions.iter().map(String::as_str));
    args.extend(["--database-url", &other.url]);
    let (_, out) = fails(&ws, &args);
    assert!(
        out.contains("is not what the migrations through")
            && out.contains("table `authors` exists in migrations but not in the database"),
        "{out}"
    );
    let status = ok(&ws, &["status", "--database-url", &other.url]);
    assert!(status.contains("pending"), "nothing was recorded: {status}");
}

/// An online change killed at a spread of moments, through its expand and
/// backfill (`run`) and through its contract (`complete`): after each kill
/// `status` reads the database, and the next command converges, every
/// value carried over once.
fn online_change_killed_at_any_moment(
    name: &str,
    url: &str,
    exec: &mut dyn FnMut(&str),
    count: &mut dyn FnMut(&str) -> i64,
) {
    let ws = example_workspace(name);
    write_migration_file(
        &ws,
        "202612010000_create_labels.rs",
        "create_table labels { id: i64 primary_key identity, label: String }",
    );
    write_migration_file(
        &ws,
        "202612020000_rename_label.rs",
        "online_change labels { rename label -> title: String } batch 100 pause 5ms",
    );
    ok(&ws, &["run", "--to", "202612010000", "--database-url", url]);
    exec(
        "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 20000) INSERT INTO labels (label) SELECT 'label ' || i FROM s",
    );
    let mut kills = 0;
    for (command, label) in [
        (serde_json::json!({ "run": { "to": null, "dry_run": false } }), "run"),
        (serde_json::json!("complete"), "complete"),
    ] {
        kills += kill_at(&ws, url, &command, &[15, 40, 80, 130, 200, 300], label);
        let out = schemaflow(&ws, &[label, "--database-url", url]);
        let out = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        // A kill that came after the last phase leaves nothing to complete.
        assert!(!out.contains("error") || out.contains("no migration is waiting"), "{out}");
        if label == "run" {
            assert!(out.contains("202612020000_rename_label") || out.contains("Nothing to apply"), "{out}");
            let status = ok(&ws, &["status", "--database-url", url]);
            assert!(status.contains("expanded 202612020000_rename_label"), "{status}");
            assert_eq!(count("title = label"), 20000, "the backfill carried every value over once ({kills} kills)");
        }
    }
    ok(&ws, &["status", "--check", "--database-url", url]);
    assert_eq!(count("title = 'label ' || id"), 20000, "every value came through ({kills} kills)");
    // The backfill of 20,000 rows in batches of 100, 5 ms apart, outlasts
    // the delays of the six runs killed; the contract is quicker, so some
    // of its kills come after it is done.
    assert!(kills >= 6, "the kills landed mid-way ({kills})");
}

fn write_migration_file(ws: &Path, file: &str, body: &str) {
    std::fs::write(ws.join("blog/migrations").join(file), format!("schemaflow::migration! {{\n    {body}\n}}\n"))
        .unwrap();
}

#[test]
fn an_online_change_killed_at_any_moment_converges_on_sqlite() {
    let root = repo().join("target/schemaflow-it/cli_online_kill_sqlite");
    let url = format!("sqlite://{}", root.join("app.db").display());
    let open = || rusqlite::Connection::open(root.join("app.db")).unwrap();
    online_change_killed_at_any_moment(
        "cli_online_kill_sqlite",
        &url,
        &mut |sql| open().execute_batch(sql).unwrap(),
        &mut |filter| {
            open().query_row(&format!("SELECT count(*) FROM labels WHERE {filter}"), [], |r| r.get(0)).unwrap()
        },
    );
}

#[test]
fn an_online_change_killed_at_any_moment_converges_on_postgres() {
    let Some(db) = postgres_database("cli_online_kill") else { return };
    let url = db.url.clone();
    online_change_killed_at_any_moment(
        "cli_online_kill_postgres",
        &url,
        &mut |sql| db.connect().batch_execute(sql).unwrap(),
        &mut |filter| {
            db.connect().query_one(&format!("SELECT count(*) FROM labels WHERE {filter}"), &[]).unwrap().get(0)
        },
    );
}
