//! Applying 1,000 migrations as a user waits for it: the whole
//! `cargo schemaflow run` command on a generated crate, side by side with
//! the same SQL run by the database's own shell as one script (one
//! transaction per migration), and with sqlx-cli and refinery_cli when they
//! are on `PATH` (`cargo install sqlx-cli --no-default-features --features
//! sqlite,postgres,rustls`, `cargo install refinery_cli`), each given the
//! same SQL as its own migration files. A fresh database each time, the
//! tools interleaved, medians of 5. Then, with the 1,000 applied, a `run`
//! with nothing to do and a `status`, each the whole command. SQLite, then
//! PostgreSQL when the local server answers.
//!
//! Run: `cargo bench -p cargo-schemaflow --bench apply`; figures go to
//! `docs/benchmarks/apply.md`.

mod support;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use support::{median, ms};

const COUNT: usize = 1000;
const ROUNDS: usize = 5;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap_or(Path::new(".")).to_path_buf()
}

/// The crate: every 10th migration creates a table, the others add a
/// nullable column or an index to one of the tables so far.
fn generate(root: &Path) {
    let _ = std::fs::remove_dir_all(root);
    std::fs::create_dir_all(root.join("migrations")).unwrap();
    std::fs::create_dir_all(root.join("src")).unwrap();
    std::fs::write(
        root.join("Cargo.toml"),
        format!(
            "[package]\nname = \"thousand\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n[dependencies]\nschemaflow = {{ path = {:?} }}\n\n[package.metadata.schemaflow]\ndatabases = [\"sqlite\", \"postgres\"]\n\n[workspace]\n",
            repo().join("schemaflow")
        ),
    )
    .unwrap();
    std::fs::write(root.join("src/lib.rs"), "schemaflow::embed_migrations!();\n").unwrap();
    std::fs::write(root.join("build.rs"), "fn main() { println!(\"cargo:rerun-if-changed=migrations\"); }\n").unwrap();
    let mut tables: Vec<(String, usize)> = Vec::new();
    for n in 0..COUNT {
        let body = if n % 10 == 0 {
            tables.push((format!("t{n}"), 0));
            format!("create_table t{n} {{ id: i64 primary_key identity, label: String }}")
        } else {
            let pick = (n * 7) % tables.len();
            let (table, columns) = &mut tables[pick];
            *columns += 1;
            if n % 3 == 0 {
                // Plain, in the migration's transaction, on both databases.
                format!(
                    "#[allow(blocking_index, \"the bench's tables are empty\")] create_index {table}_i{n} on {table}(label)"
                )
            } else {
                format!("alter_table {table} {{ add_column c{n}: Option<i64> }}")
            }
        };
        let version = 202401010000u64 + (n as u64 / 60) * 100 + (n as u64 % 60);
        std::fs::write(
            root.join(format!("migrations/{version}_m{n}.rs")),
            format!("schemaflow::migration! {{\n    {body}\n}}\n"),
        )
        .unwrap();
    }
}

fn cli(root: &Path, args: &[&str], url: &str) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_cargo-schemaflow"));
    cmd.arg("schemaflow")
        .args(args)
        .args(["--database-url", url, "--manifest-path"])
        .arg(root.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", repo().join("target/schemaflow-bench/apply-target"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    cmd
}

fn timed(mut cmd: Command) -> Duration {
    let started = Instant::now();
    let out = cmd.output().expect("the command runs");
    let elapsed = started.elapsed();
    assert!(out.status.success(), "{cmd:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    elapsed
}

/// The SQL `run --dry-run` prints for the database at `url`, without its
/// comments: one chunk per migration, each `BEGIN; …; COMMIT;` with the
/// session statements before it.
fn dry_run_sql(root: &Path, url: &str) -> String {
    let out = cli(root, &["run", "--dry-run"], url).stdout(Stdio::piped()).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines()
        .filter(|l| !l.trim_start().starts_with("--") && !l.trim().is_empty())
        .map(|l| l.trim())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Each migration's statements from a dry run, without the transaction
/// and session statements around them (the tools add their own).
fn per_migration(script: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    for line in script.lines() {
        match line {
            "BEGIN;" => current = Some(String::new()),
            "COMMIT;" => out.extend(current.take()),
            // Outside a transaction: session statements (`PRAGMA
            // foreign_keys`, `SET lock_timeout`), which the tools set their own way.
            _ => {
                if let Some(body) = &mut current {
                    body.push_str(line);
                    body.push('\n');
                }
            }
        }
    }
    out
}

/// The same migrations as sqlx-cli's and refinery_cli's files.
fn tool_directories(dir: &Path, root: &Path, bodies: &[String]) -> (PathBuf, PathBuf) {
    let (sqlx, refinery) = (dir.join("sqlx"), dir.join("refinery"));
    for d in [&sqlx, &refinery] {
        let _ = std::fs::remove_dir_all(d);
        std::fs::create_dir_all(d).unwrap();
    }
    let mut names: Vec<String> = std::fs::read_dir(root.join("migrations"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().trim_end_matches(".rs").to_owned())
        .collect();
    names.sort();
    assert_eq!(names.len(), bodies.len(), "one transaction per migration");
    for (n, (name, body)) in names.iter().zip(bodies).enumerate() {
        std::fs::write(sqlx.join(format!("{name}.sql")), body).unwrap();
        let (_, description) = name.split_once('_').unwrap();
        std::fs::write(refinery.join(format!("V{}__{description}.sql", n + 1)), body).unwrap();
    }
    (sqlx, refinery)
}

fn fresh(db: &Path) {
    for suffix in ["", "-journal", "-wal", "-shm", "-schemaflow.lock"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
}

fn installed(tool: &str) -> bool {
    Command::new("sh").args(["-c", &format!("command -v {tool}")]).output().is_ok_and(|o| o.status.success())
}

/// What `tool --version` prints, first line (e.g. `sqlx-cli 0.9.0`).
fn version(tool: &str) -> String {
    Command::new(tool)
        .arg("--version")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|v| v.lines().next().map(str::to_owned))
        .unwrap_or_else(|| tool.to_owned())
}

fn sqlx(dir: &Path, url: &str) -> Command {
    let mut cmd = Command::new("sqlx");
    cmd.args(["migrate", "run", "--source"]).arg(dir).args(["--database-url", url]).stdout(Stdio::null());
    cmd
}

fn refinery(dir: &Path, url: &str) -> Command {
    let mut cmd = Command::new("refinery");
    cmd.args(["migrate", "-e", "REFINERY_URL", "-p"]).arg(dir).env("REFINERY_URL", url).stdout(Stdio::null());
    cmd
}

/// One database's side-by-side rounds: the tools in turn on a fresh
/// database each, medians.
struct Tools {
    names: Vec<String>,
    runs: Vec<Vec<Duration>>,
}

impl Tools {
    fn new() -> Tools {
        Tools { names: Vec::new(), runs: Vec::new() }
    }

    fn add(&mut self, name: &str, took: Duration) {
        match self.names.iter().position(|n| n == name) {
            Some(i) => self.runs[i].push(took),
            None => {
                self.names.push(name.to_owned());
                self.runs.push(vec![took]);
            }
        }
    }

    fn medians(self) -> Vec<(String, Duration)> {
        self.names.into_iter().zip(self.runs.into_iter().map(median)).collect()
    }
}

fn report_rows(report: &mut String, medians: &[(String, Duration)], target: &str) {
    let script = medians[0].1;
    for (name, took) in medians {
        let ratio = took.as_secs_f64() / script.as_secs_f64();
        let goal = if name.starts_with("`cargo schemaflow") { target } else { "—" };
        writeln!(report, "| {name} | {} | {ratio:.2}× | {goal} |", ms(*took)).unwrap();
    }
}

fn sqlite_section(dir: &Path, root: &Path, report: &mut String) {
    let db = dir.join("apply.db");
    let url = format!("sqlite://{}", db.display());
    fresh(&db);
    let script = dry_run_sql(root, &url);
    assert!(script.matches("BEGIN").count() >= COUNT, "the script has a transaction per migration");
    std::fs::write(dir.join("apply.sql"), &script).unwrap();
    let (sqlx_dir, refinery_dir) = tool_directories(dir, root, &per_migration(&script));
    let (has_sqlx, has_refinery) = (installed("sqlx"), installed("refinery"));
    let mut tools = Tools::new();
    for _ in 0..ROUNDS {
        fresh(&db);
        let mut shell = Command::new("sqlite3");
        shell.arg(&db).stdin(std::fs::File::open(dir.join("apply.sql")).unwrap()).stdout(Stdio::null());
        tools.add(
            &format!(
                "`sqlite3 apply.db < apply.sql` (the same SQL, one transaction per migration; sqlite3 {})",
                version("sqlite3").split_whitespace().next().unwrap_or("?")
            ),
            timed(shell),
        );
        fresh(&db);
        tools.add("`cargo schemaflow run`", timed(cli(root, &["run", "--quiet"], &url)));
        if has_sqlx {
            fresh(&db);
            tools.add(
                &format!("{} `sqlx migrate run`", version("sqlx")),
                timed(sqlx(&sqlx_dir, &format!("{url}?mode=rwc"))),
            );
        }
        if has_refinery {
            fresh(&db);
            std::fs::write(&db, b"").unwrap();
            tools.add(&format!("{} `refinery migrate`", version("refinery")), timed(refinery(&refinery_dir, &url)));
        }
    }
    writeln!(report, "## SQLite\n").unwrap();
    writeln!(report, "| measure | median | ratio to the script | target |\n|---|---|---|---|").unwrap();
    report_rows(report, &tools.medians(), "≤ 1.2×");
    for (tool, present) in [("sqlx-cli", has_sqlx), ("refinery_cli", has_refinery)] {
        if !present {
            writeln!(report, "| {tool} | not installed on this machine | — | — |").unwrap();
        }
    }
    // With the 1,000 applied: nothing to do.
    fresh(&db);
    timed(cli(root, &["run", "--quiet"], &url));
    let noop = median((0..ROUNDS).map(|_| timed(cli(root, &["run", "--quiet"], &url))).collect());
    let status = median((0..ROUNDS).map(|_| timed(cli(root, &["status", "--quiet"], &url))).collect());
    writeln!(
        report,
        "| `cargo schemaflow run` with the {COUNT} applied (nothing to do) | {} | — | ≤ 100 ms |",
        ms(noop)
    )
    .unwrap();
    writeln!(report, "| `cargo schemaflow status` with the {COUNT} applied | {} | — | ≤ 100 ms |\n", ms(status))
        .unwrap();
}

fn postgres_section(dir: &Path, root: &Path, report: &mut String) {
    use schemaflow_core::runner::test_database::TestDatabase;
    writeln!(report, "## PostgreSQL\n").unwrap();
    let Some(probe) = TestDatabase::create("bench_apply") else {
        writeln!(report, "The local PostgreSQL server did not answer; not measured.\n").unwrap();
        return;
    };
    let script = dry_run_sql(root, &probe.url);
    drop(probe);
    std::fs::write(dir.join("apply-postgres.sql"), &script).unwrap();
    let (sqlx_dir, refinery_dir) = tool_directories(dir, root, &per_migration(&script));
    let (has_sqlx, has_refinery, has_psql) = (installed("sqlx"), installed("refinery"), installed("psql"));
    assert!(has_psql, "psql runs the script");
    let mut tools = Tools::new();
    for _ in 0..ROUNDS {
        let db = TestDatabase::create("bench_apply").expect("the server answered above");
        let mut shell = Command::new("psql");
        shell
            .args(["-q", "-v", "ON_ERROR_STOP=1", "-f"])
            .arg(dir.join("apply-postgres.sql"))
            .arg(&db.url)
            .stdout(Stdio::null());
        tools.add(
            &format!("`psql -f apply.sql` (the same SQL, one transaction per migration; {})", version("psql")),
            timed(shell),
        );
        drop(db);
        let db = TestDatabase::create("bench_apply").expect("the server answered above");
        tools.add("`cargo schemaflow run`", timed(cli(root, &["run", "--quiet"], &db.url)));
        drop(db);
        if has_sqlx {
            let db = TestDatabase::create("bench_apply").expect("the server answered above");
            tools.add(&format!("{} `sqlx migrate run`", version("sqlx")), timed(sqlx(&sqlx_dir, &db.url)));
        }
        if has_refinery {
            let db = TestDatabase::create("bench_apply").expect("the server answered above");
            tools.add(&format!("{} `refinery migrate`", version("refinery")), timed(refinery(&refinery_dir, &db.url)));
        }
    }
    writeln!(report, "| measure | median | ratio to the script | target |\n|---|---|---|---|").unwrap();
    report_rows(report, &tools.medians(), "ahead of the peers");
    for (tool, present) in [("sqlx-cli", has_sqlx), ("refinery_cli", has_refinery)] {
        if !present {
            writeln!(report, "| {tool} | not installed on this machine | — | — |").unwrap();
        }
    }
    writeln!(report).unwrap();
}

fn main() {
    let dir = repo().join("target/schemaflow-bench/apply");
    let root = dir.join("thousand");
    generate(&root);
    let db = dir.join("apply.db");
    let url = format!("sqlite://{}", db.display());

    // The first run builds the harness, its dependencies included, as on a
    // fresh clone (and compiles the 1,000 migrations).
    let _ = std::fs::remove_dir_all(repo().join("target/schemaflow-bench/apply-target"));
    fresh(&db);
    let first = timed(cli(&root, &["run", "--quiet"], &url));
    // The example workspace's first run, as on a fresh clone once the
    // command is installed.
    let example_target = repo().join("target/schemaflow-bench/example-target");
    let _ = std::fs::remove_dir_all(&example_target);
    let example_db = dir.join("example.db");
    fresh(&example_db);
    let mut example = Command::new(env!("CARGO_BIN_EXE_cargo-schemaflow"));
    example
        .args(["schemaflow", "run", "--quiet", "-p", "blog", "--manifest-path"])
        .arg(repo().join("Cargo.toml"))
        .args(["--database-url", &format!("sqlite://{}", example_db.display())])
        .env("CARGO_TARGET_DIR", &example_target)
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let first_example = timed(example);

    let mut report = String::new();
    writeln!(report, "# Applying 1,000 migrations, end to end\n").unwrap();
    writeln!(
        report,
        "Generated by `cargo bench -p cargo-schemaflow --bench apply` ({} cores). A crate of {COUNT} migrations (every 10th creates a table, the others add a nullable column or an index); the whole command timed, harness build cached; a fresh database for each run; the tools interleaved, medians of {ROUNDS}. sqlx-cli and refinery_cli get the same SQL, one file per migration, and wrap each in its own transaction.\n",
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0)
    )
    .unwrap();
    sqlite_section(&dir, &root, &mut report);
    postgres_section(&dir, &root, &mut report);
    writeln!(report, "## First run\n").unwrap();
    writeln!(
        report,
        "The first `cargo schemaflow run` on an empty target directory, which builds the harness and its dependencies (cargo's progress is shown while it does): {} for this crate of {COUNT} migrations, {} for the example workspace (`-p blog`, 10 migrations).",
        ms(first),
        ms(first_example)
    )
    .unwrap();
    let out = repo().join("docs/benchmarks/apply.md");
    std::fs::write(&out, &report).unwrap();
    print!("{report}");
    eprintln!("written to {}", out.display());
}
