//! Applying 1,000 migrations as a user waits for it: the whole
//! `cargo schemaflow run` command on a generated crate, side by side with
//! the same SQL run by the `sqlite3` shell as one script (one transaction
//! per migration), and with sqlx-cli and refinery_cli when they are
//! installed. Fresh SQLite file each time, the tools interleaved, medians
//! of 5. Then, with the 1,000 applied, a `run` with nothing to do and a
//! `status`, each the whole command.
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
            "[package]\nname = \"thousand\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n[dependencies]\nschemaflow = {{ path = {:?} }}\n\n[package.metadata.schemaflow]\ndatabases = [\"sqlite\"]\n\n[workspace]\n",
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
                format!("create_index {table}_i{n} on {table}(label)")
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

/// The SQL `run --dry-run` prints, as a script for the `sqlite3` shell.
fn script(root: &Path, db: &Path) -> String {
    let out = cli(root, &["run", "--dry-run"], &format!("sqlite://{}", db.display()))
        .stdout(Stdio::piped())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines()
        .filter(|l| !l.trim_start().starts_with("--") && !l.trim().is_empty())
        .map(|l| l.trim())
        .collect::<Vec<_>>()
        .join("\n")
}

fn fresh(db: &Path) {
    for suffix in ["", "-journal", "-wal", "-shm", "-schemaflow.lock"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
}

fn installed(tool: &str) -> bool {
    Command::new("sh").args(["-c", &format!("command -v {tool}")]).output().is_ok_and(|o| o.status.success())
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
    fresh(&db);
    let sql = script(&root, &db);
    assert!(sql.matches("BEGIN").count() >= COUNT, "the script has a transaction per migration");
    std::fs::write(dir.join("apply.sql"), &sql).unwrap();

    let (mut ours, mut plain) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        fresh(&db);
        ours.push(timed(cli(&root, &["run", "--quiet"], &url)));
        fresh(&db);
        let mut shell = Command::new("sqlite3");
        shell.arg(&db).stdin(std::fs::File::open(dir.join("apply.sql")).unwrap()).stdout(Stdio::null());
        plain.push(timed(shell));
    }
    // With the 1,000 applied: nothing to do.
    fresh(&db);
    timed(cli(&root, &["run", "--quiet"], &url));
    let noop = median((0..ROUNDS).map(|_| timed(cli(&root, &["run", "--quiet"], &url))).collect());
    let status = median((0..ROUNDS).map(|_| timed(cli(&root, &["status", "--quiet"], &url))).collect());

    let (ours, plain) = (median(ours), median(plain));
    let mut report = String::new();
    writeln!(report, "# Applying 1,000 migrations, end to end\n").unwrap();
    writeln!(
        report,
        "Generated by `cargo bench -p cargo-schemaflow --bench apply` ({} cores). A crate of {COUNT} migrations (every 10th creates a table, the others add a nullable column or an index); a fresh SQLite file for each run; the whole command timed, harness build cached; the tools interleaved, medians of {ROUNDS}.\n",
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0)
    )
    .unwrap();
    writeln!(report, "| measure | figure | ratio to the script | target |\n|---|---|---|---|").unwrap();
    writeln!(
        report,
        "| `sqlite3 apply.db < apply.sql` (the same SQL, one transaction per migration) | {} | 1.00× | — |",
        ms(plain)
    )
    .unwrap();
    writeln!(
        report,
        "| `cargo schemaflow run` | {} | {:.2}× | ≤ 1.2× |",
        ms(ours),
        ours.as_secs_f64() / plain.as_secs_f64()
    )
    .unwrap();
    for tool in ["sqlx", "refinery"] {
        if !installed(tool) {
            writeln!(report, "| {tool} | not installed on this machine | — | — |").unwrap();
        }
    }
    writeln!(
        report,
        "| `cargo schemaflow run` with the {COUNT} applied (nothing to do) | {} | — | ≤ 100 ms |",
        ms(noop)
    )
    .unwrap();
    writeln!(report, "| `cargo schemaflow status` with the {COUNT} applied | {} | — | ≤ 100 ms |", ms(status)).unwrap();
    writeln!(
        report,
        "| first `cargo schemaflow run` on an empty target directory (builds the harness and its dependencies, compiles the {COUNT} migrations) | {} | — | — |",
        ms(first)
    )
    .unwrap();
    let out = repo().join("docs/benchmarks/apply.md");
    std::fs::write(&out, &report).unwrap();
    print!("{report}");
    eprintln!("written to {}", out.display());
}
