//! The SQLite runner's own cost, side by side with plain rusqlite.
//!
//! 1. 1,000 generated migrations (create table, add column, create index)
//!    applied to a fresh SQLite file by the runner, against the same SQL
//!    executed directly through rusqlite: once with the runner's
//!    transaction structure (one transaction per migration) and once as a
//!    single script in one transaction. Same file system, same
//!    `synchronous` setting (SQLite's default, FULL), same journal mode.
//! 2. `status` over the 1,000 applied migrations (no build involved).
//! 3. `cargo schemaflow run` with nothing to do, on the example workspace,
//!    build cached: wall time of the whole command.
//!
//! Run: `cargo bench -p cargo-schemaflow --bench sqlite_runner`; figures go
//! to `docs/benchmarks/sqlite-runner.md`.

mod support;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use schemaflow_core::dialect::{self, Dialect, Options, Phase};
use schemaflow_core::model::*;
use schemaflow_core::runner::{self, sqlite::SqliteBackend};
use support::{median, ms, time};

const COUNT: usize = 1000;

fn column(name: &str, ty: ColumnType, nullable: bool) -> Column {
    Column { name: name.into(), ty, nullable, default: None, identity: false, generated: None }
}

/// 1,000 migrations: every 10th creates a table, the others add a nullable
/// column or an index to one of the tables so far.
fn generate() -> Vec<Migration> {
    let mut tables: Vec<(String, usize)> = Vec::new();
    (0..COUNT)
        .map(|n| {
            let op = if n % 10 == 0 {
                let name = format!("t{n}");
                tables.push((name.clone(), 0));
                Op::CreateTable(Table {
                    name: name.clone(),
                    columns: vec![
                        Column { identity: true, ..column("id", ColumnType::I64, false) },
                        column("label", ColumnType::Text, false),
                        column("created_at", ColumnType::TimestampTz, true),
                    ],
                    constraints: vec![Constraint {
                        name: naming::primary_key(&name),
                        kind: ConstraintKind::PrimaryKey { columns: vec!["id".into()] },
                        not_valid: false,
                    }],
                    if_not_exists: false,
                })
            } else {
                let i = (n * 7) % tables.len();
                let (table, added) = &mut tables[i];
                if n % 3 == 0 {
                    Op::CreateIndex(Index {
                        name: format!("i{n}"),
                        table: table.clone(),
                        columns: vec!["label".into()],
                        unique: false,
                        predicate: None,
                        key: None,
                        concurrently: false,
                        if_not_exists: false,
                    })
                } else {
                    *added += 1;
                    Op::AddColumn { table: table.clone(), column: column(&format!("c{n}"), ColumnType::I64, true) }
                }
            };
            Migration {
                version: 202401010000 + n as u64,
                name: format!("m{n}"),
                steps: vec![Step::new(op)],
                down: Down::Derived,
                settings: Settings::default(),
                transforms: Default::default(),
            }
        })
        .collect()
}

fn fresh(path: &Path) {
    for suffix in ["", "-journal", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}

/// Each migration's statements, as the runner would run them.
fn scripts(migrations: &[Migration]) -> Vec<String> {
    let befores = runner::schemas_before(migrations).unwrap();
    migrations
        .iter()
        .zip(&befores)
        .map(|(m, before)| {
            let plan = dialect::plan_up(Dialect::Sqlite, before, m, &Options::default()).unwrap();
            plan.phases
                .iter()
                .flat_map(|p| match p {
                    Phase::Transaction(s) => s.iter().map(|s| s.sql.clone()).collect::<Vec<_>>(),
                    _ => Vec::new(),
                })
                .filter(|s| s != dialect::sqlite::FOREIGN_KEY_CHECK)
                .map(|s| format!("{s};"))
                .collect::<Vec<_>>()
                .join("\n")
        })
        .collect()
}

fn main() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf();
    let dir = repo.join("target/schemaflow-bench/sqlite-runner");
    std::fs::create_dir_all(&dir).unwrap();
    let db: PathBuf = dir.join("bench.db");
    let migrations = generate();
    let scripts = scripts(&migrations);
    let runs = 3;

    let mut with_runner = Vec::new();
    let mut direct_per_migration = Vec::new();
    let mut direct_one_script = Vec::new();
    for _ in 0..runs {
        // Interleaved, so drift in the machine's load hits all three alike.
        fresh(&db);
        with_runner.push(time(|| {
            let mut backend = SqliteBackend::open(&db).unwrap();
            let n = runner::run(&mut backend, &migrations, None, &Options::default(), &mut |_| {}).unwrap();
            assert_eq!(n, COUNT);
        }));
        fresh(&db);
        direct_per_migration.push(time(|| {
            let conn = rusqlite::Connection::open(&db).unwrap();
            conn.execute_batch("PRAGMA foreign_keys = OFF").unwrap();
            for s in &scripts {
                conn.execute_batch(&format!("BEGIN IMMEDIATE;\n{s}\nCOMMIT;")).unwrap();
            }
        }));
        fresh(&db);
        direct_one_script.push(time(|| {
            let conn = rusqlite::Connection::open(&db).unwrap();
            conn.execute_batch(&format!("PRAGMA foreign_keys = OFF; BEGIN;\n{}\nCOMMIT;", scripts.join("\n"))).unwrap();
        }));
    }
    let (r, d, one) = (median(with_runner), median(direct_per_migration), median(direct_one_script));

    // status over the 1,000 applied migrations.
    fresh(&db);
    let mut backend = SqliteBackend::open(&db).unwrap();
    runner::run(&mut backend, &migrations, None, &Options::default(), &mut |_| {}).unwrap();
    let status_time = median(
        (0..5)
            .map(|_| {
                time(|| {
                    let mut backend = SqliteBackend::open(&db).unwrap();
                    let s = runner::status(&mut backend, &migrations).unwrap();
                    assert!(s.is_up_to_date(), "{:?}", s.drift);
                })
            })
            .collect(),
    );
    let synchronous: i64 = backend.connection().query_row("PRAGMA synchronous", [], |r| r.get(0)).unwrap();
    let journal: String = backend.connection().query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();

    // A no-op `cargo schemaflow run` on the example, build cached.
    let example_db = dir.join("example.db");
    fresh(&example_db);
    let url = format!("sqlite://{}", example_db.display());
    let cli = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_cargo-schemaflow"))
            .arg("schemaflow")
            .args(args)
            .args(["-q", "-p", "blog", "--database-url", &url, "--manifest-path"])
            .arg(repo.join("Cargo.toml"))
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    };
    cli(&["run"]);
    cli(&["run"]);
    let noop = median((0..5).map(|_| time(|| cli(&["run"]))).collect());

    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0);
    let mut report = String::new();
    writeln!(report, "# SQLite runner\n").unwrap();
    writeln!(
        report,
        "Generated by `cargo bench -p cargo-schemaflow --bench sqlite_runner` ({cores} cores; {COUNT} migrations; medians of {runs} interleaved runs; SQLite `synchronous` = {synchronous}, journal mode `{journal}`, for all three).\n"
    )
    .unwrap();
    writeln!(report, "| measure | figure | target |\n|---|---|---|").unwrap();
    writeln!(report, "| runner: {COUNT} migrations applied to a fresh file | {} | — |", ms(r)).unwrap();
    writeln!(report, "| rusqlite, the same SQL, one transaction per migration | {} | — |", ms(d)).unwrap();
    writeln!(report, "| rusqlite, the same SQL as one script in one transaction | {} | — |", ms(one)).unwrap();
    writeln!(report, "| ratio runner / rusqlite per migration | {:.2}× | ≤ 1.5× |", r.as_secs_f64() / d.as_secs_f64())
        .unwrap();
    writeln!(report, "| ratio runner / rusqlite one script | {:.2}× | — |", r.as_secs_f64() / one.as_secs_f64())
        .unwrap();
    writeln!(report, "| `status` over {COUNT} applied migrations (median of 5) | {} | ≤ 300 ms |", ms(status_time))
        .unwrap();
    writeln!(
        report,
        "| `cargo schemaflow run` with nothing to do, build cached (median of 5) | {} | ≤ 1 s |",
        ms(noop)
    )
    .unwrap();
    writeln!(
        report,
        "\nThe runner's extra work per migration: checking the bookkeeping and recording the migration in the same transaction, replaying the history into a schema, planning the SQL, and `PRAGMA foreign_key_check` before each commit. One script in one transaction commits (and syncs) once instead of {COUNT} times, so it shows what per-migration transactions cost, not what the runner adds."
    )
    .unwrap();
    let out = repo.join("docs/benchmarks/sqlite-runner.md");
    std::fs::write(&out, &report).unwrap();
    print!("{report}");
}
