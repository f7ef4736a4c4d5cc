//! Backfill throughput on SQLite and PostgreSQL, against the hand-written
//! ways, side by side in one run.
//!
//! A table of N rows; each case sets a column from an expression over two
//! others (`a + b`):
//! (a) one raw `UPDATE`;
//! (b) the naive loop: select the next 1,000 ids, `UPDATE … WHERE id IN (…)`
//!     with the ids as a literal list (as an ORM's `filter(id__in=ids)` does);
//! (c) a hand-written keyset-range loop, `WHERE id > lo AND id <= lo + 1000`,
//!     one transaction each: the fastest a batched backfill can be;
//! (c″) on SQLite, (c) recording its last key in the same transaction, as
//!     (d) does to be resumable: the like-for-like hand-written loop;
//! (c′) on PostgreSQL, (c) committing as (d) does (`synchronous_commit =
//!     off`), so that the engine's own cost shows apart from that setting;
//! (d) schemaflow's `backfill … batch 1000` with no pause, progress
//!     recorded with every batch;
//! (e) (d) with the value computed by a Rust function (a typed transform).
//!
//! Every case starts from the same table (SQLite: a copy of one prepared
//! file; PostgreSQL: the rows loaded again, vacuumed, analysed, after a
//! checkpoint), and the cases run interleaved, round after round; the
//! figures are medians over the rounds, so a slow moment of the machine
//! does not decide a ratio.
//!
//! Reported: rows/s, the ratios d/a, d/b, d/c, the longest transaction of
//! (d) over all rounds, peak memory of (d) at 100k and 1M rows, and on
//! PostgreSQL a concurrent writer's p99 and max latency during (a) and (d).
//!
//! Run: `cargo bench -p cargo-schemaflow --bench backfill`; figures go to
//! `docs/benchmarks/backfill.md`.

mod support;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use schemaflow_core::dialect::Options;
use schemaflow_core::model::*;
use schemaflow_core::runner::{
    self, Backend, Event, RollbackTarget, postgres::PostgresBackend, sqlite::SqliteBackend, test_database::TestDatabase,
};
use support::{Latencies, Writer, ms, time};

/// Set, the bench runs the SQLite cases only and prints them, writing no
/// file: a quicker look while working on the SQLite engine.
const SQLITE_ONLY: &str = "SCHEMAFLOW_BENCH_SQLITE_ONLY";
/// Rounds of all the cases, interleaved.
const ROUNDS: usize = 5;
const MILLION: u64 = 1_000_000;

fn column(name: &str, nullable: bool) -> Column {
    Column { name: name.into(), ty: ColumnType::I64, nullable, default: None, identity: false, generated: None }
}

fn migration(version: u64, name: &str, op: Op) -> Migration {
    Migration {
        version,
        name: name.into(),
        steps: vec![Step::new(op)],
        // Nothing to undo (the columns keep their values), so that a
        // backfill can be rolled back and run again in the next round.
        down: Down::Explicit(Vec::new()),
        settings: Settings::default(),
        transforms: Default::default(),
    }
}

fn base() -> Migration {
    let mut m = migration(
        1,
        "items",
        Op::CreateTable(Table {
            name: "items".into(),
            columns: vec![column("id", false), column("a", false), column("b", false), column("v", true)],
            constraints: vec![Constraint::new("items_pkey", ConstraintKind::PrimaryKey { columns: vec!["id".into()] })],
            if_not_exists: false,
        }),
    );
    m.down = Down::Derived;
    m
}

/// (d): `backfill items set v = sql("a + b") batch 1000`.
fn sql_backfill() -> Migration {
    migration(
        2,
        "fill",
        Op::Backfill(Backfill {
            table: "items".into(),
            assignments: vec![Assignment { column: "v".into(), value: DefaultValue::Sql("a + b".into()) }],
            predicate: None,
            batch_size: 1000,
            pause_ms: 0,
            transform: None,
            catch_up: None,
            delete: false,
            copy_into: None,
        }),
    )
}

/// (e): the same values computed by a Rust function, one call per row.
fn rust_backfill() -> Migration {
    use schemaflow_core::transform::Value;
    let mut m = migration(
        2,
        "fill_in_rust",
        Op::Backfill(Backfill {
            table: "items".into(),
            assignments: Vec::new(),
            predicate: None,
            batch_size: 1000,
            pause_ms: 0,
            transform: Some(TransformSpec {
                function: "sum".into(),
                inputs: vec!["a".into(), "b".into()],
                outputs: vec!["v".into()],
            }),
            catch_up: None,
            delete: false,
            copy_into: None,
        }),
    );
    m.transforms.register(
        "sum",
        Arc::new(|row: Vec<Value>| match row.as_slice() {
            [Value::Int(a), Value::Int(b)] => Ok(vec![Value::Int(a + b)]),
            other => Err(format!("not two integers: {other:?}")),
        }),
    );
    m
}

/// The process's peak resident memory, in MiB (Linux).
fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

/// The environment variable that makes the bench binary a child process
/// that runs one (d) and prints its peak memory: `sqlite <file>` or
/// `postgres <url>`. A process of its own, so the figure holds (d) alone,
/// not what the other cases left in the allocator.
const PEAK_CHILD: &str = "SCHEMAFLOW_BENCH_PEAK";

fn peak_child(spec: &str) {
    let (kind, target) = spec.split_once(' ').expect("`sqlite <file>` or `postgres <url>`");
    match kind {
        "sqlite" => {
            run_backfill(&mut SqliteBackend::open(Path::new(target)).unwrap(), sql_backfill());
        }
        _ => {
            run_backfill(&mut PostgresBackend::connect(target, "public").unwrap(), sql_backfill());
        }
    }
    println!("peak_mib={}", peak_rss_mib());
}

/// Peak memory of a child process running (d) on `target`.
fn peak_of_child(kind: &str, target: &str) -> f64 {
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .env(PEAK_CHILD, format!("{kind} {target}"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("peak_mib="))
        .and_then(|v| v.parse().ok())
        .expect("the child prints its peak")
}

/// One run of a backfill migration through the runner, rolled back after
/// (bookkeeping only) so the next round can run it again.
struct Backfilled {
    took: Duration,
    longest: Duration,
}

fn run_backfill(backend: &mut dyn Backend, fill: Migration) -> Backfilled {
    let mut longest = Duration::ZERO;
    let migrations = [base(), fill];
    let started = Instant::now();
    runner::run(backend, &migrations, None, &Options::default(), &mut |e| {
        if let Event::Batch { batch, .. } = e {
            longest = longest.max(batch.took);
        }
    })
    .unwrap();
    let took = started.elapsed();
    runner::rollback(backend, &migrations, RollbackTarget::Steps(1), &Options::default(), &mut |_| {}).unwrap();
    Backfilled { took, longest }
}

/// The cases' times over the rounds.
struct Case {
    label: &'static str,
    runs: Vec<Duration>,
}

impl Case {
    fn median(&self) -> Duration {
        support::median(self.runs.clone())
    }
}

struct Cases(Vec<Case>);

impl Cases {
    fn record(&mut self, label: &'static str, took: Duration) {
        match self.0.iter_mut().find(|c| c.label == label) {
            Some(case) => case.runs.push(took),
            None => self.0.push(Case { label, runs: vec![took] }),
        }
    }

    fn median(&self, prefix: &str) -> Option<f64> {
        self.0.iter().find(|c| c.label.starts_with(prefix)).map(|c| c.median().as_secs_f64())
    }
}

/// The runner's progress record on SQLite (`BatchSql::record_progress`).
const RECORD_PROGRESS_SQLITE: &str = "INSERT INTO schemaflow_backfills (version, phase, last_key, rows_done, rows_total, namespace) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
 ON CONFLICT (namespace, version, phase) DO UPDATE SET last_key = excluded.last_key, rows_done = excluded.rows_done, rows_total = excluded.rows_total";

const A: &str = "(a) one raw UPDATE";
const B: &str = "(b) naive loop: select 1,000 ids, UPDATE … IN (…)";
const C: &str = "(c) hand-written keyset ranges, 1,000 rows a transaction";
const C_RECORDED: &str = "(c″) as (c), recording its last key in the same transaction as (d) does";
const C_RELAXED: &str = "(c′) as (c), committing with `synchronous_commit = off` as (d) does";
const D: &str = "(d) schemaflow `backfill … batch 1000`, progress recorded";
const E: &str = "(e) as (d), the value computed by a Rust function";

struct Figures {
    cases: Cases,
    longest: Duration,
    /// Peak memory of (d) alone, at 100k rows and at the full size.
    peak_mib: (f64, f64),
}

// ---------------------------------------------------------------- SQLite

/// A SQLite file with the table and its rows, copied for every case.
fn sqlite_prepared(rows: u64, dir: &Path) -> PathBuf {
    let path = dir.join(format!("prepared-{rows}.db"));
    for suffix in ["", "-journal"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    let mut backend = SqliteBackend::open(&path).unwrap();
    runner::run(&mut backend, &[base()], None, &Options::default(), &mut |_| {}).unwrap();
    drop(backend);
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(&format!(
        "BEGIN; WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < {rows}) INSERT INTO items (id, a, b) SELECT i, i, 2 * i FROM s; COMMIT;"
    ))
    .unwrap();
    path
}

fn sqlite_fresh(prepared: &Path) -> PathBuf {
    let path = prepared.with_file_name("case.db");
    let _ = std::fs::remove_file(format!("{}-journal", path.display()));
    std::fs::copy(prepared, &path).unwrap();
    path
}

fn sqlite(rows: u64, dir: &Path) -> Figures {
    let prepared = sqlite_prepared(rows, dir);
    let mut figures = Figures { cases: Cases(Vec::new()), longest: Duration::ZERO, peak_mib: (0.0, 0.0) };
    figures.peak_mib = (sqlite_peak(&sqlite_prepared(100_000, dir)), sqlite_peak(&prepared));
    for _ in 0..ROUNDS {
        let conn = rusqlite::Connection::open(sqlite_fresh(&prepared)).unwrap();
        figures.cases.record(A, time(|| conn.execute_batch("BEGIN; UPDATE items SET v = a + b; COMMIT;").unwrap()));

        let conn = rusqlite::Connection::open(sqlite_fresh(&prepared)).unwrap();
        let took = time(|| {
            let mut last = 0i64;
            loop {
                let ids: Vec<i64> = conn
                    .prepare("SELECT id FROM items WHERE id > ?1 ORDER BY id LIMIT 1000")
                    .unwrap()
                    .query_map([last], |r| r.get(0))
                    .unwrap()
                    .collect::<Result<_, _>>()
                    .unwrap();
                let Some(&max) = ids.last() else { break };
                let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
                conn.execute_batch(&format!("BEGIN; UPDATE items SET v = a + b WHERE id IN ({list}); COMMIT;"))
                    .unwrap();
                last = max;
            }
        });
        figures.cases.record(B, took);

        let conn = rusqlite::Connection::open(sqlite_fresh(&prepared)).unwrap();
        let took = time(|| {
            let mut lo = 0i64;
            while lo < rows as i64 {
                let mut stmt = conn.prepare_cached("UPDATE items SET v = a + b WHERE id > ?1 AND id <= ?2").unwrap();
                conn.execute_batch("BEGIN").unwrap();
                stmt.execute([lo, lo + 1000]).unwrap();
                conn.execute_batch("COMMIT").unwrap();
                lo += 1000;
            }
        });
        figures.cases.record(C, took);
        drop(conn);

        // (c) with the progress record that makes a batched backfill
        // resumable, written as the runner writes it.
        let conn = rusqlite::Connection::open(sqlite_fresh(&prepared)).unwrap();
        let took = time(|| {
            let mut lo = 0i64;
            while lo < rows as i64 {
                let mut update = conn.prepare_cached("UPDATE items SET v = a + b WHERE id > ?1 AND id <= ?2").unwrap();
                let mut record = conn.prepare_cached(RECORD_PROGRESS_SQLITE).unwrap();
                conn.execute_batch("BEGIN").unwrap();
                update.execute([lo, lo + 1000]).unwrap();
                let key = format!("[{}]", lo + 1000);
                record.execute(rusqlite::params![9, 0, key, lo + 1000, rows as i64, "bench"]).unwrap();
                conn.execute_batch("COMMIT").unwrap();
                lo += 1000;
            }
        });
        figures.cases.record(C_RECORDED, took);
        drop(conn);

        let mut backend = SqliteBackend::open(&sqlite_fresh(&prepared)).unwrap();
        let d = run_backfill(&mut backend, sql_backfill());
        figures.cases.record(D, d.took);
        figures.longest = figures.longest.max(d.longest);

        let mut backend = SqliteBackend::open(&sqlite_fresh(&prepared)).unwrap();
        figures.cases.record(E, run_backfill(&mut backend, rust_backfill()).took);
    }
    figures
}

/// Peak memory of (d) alone on a copy of `prepared`.
fn sqlite_peak(prepared: &Path) -> f64 {
    peak_of_child("sqlite", &sqlite_fresh(prepared).display().to_string())
}

// ------------------------------------------------------------ PostgreSQL

/// The same table for every case: its rows loaded again, vacuumed (so
/// index-only scans need no heap), analysed, and no checkpoint owed.
fn pg_fresh(client: &mut postgres::Client, rows: u64) {
    client.batch_execute("TRUNCATE items").unwrap();
    client
        .batch_execute(&format!("INSERT INTO items (id, a, b) SELECT i, i, 2 * i FROM generate_series(1, {rows}) i"))
        .unwrap();
    client.batch_execute("VACUUM ANALYZE items").unwrap();
    client.batch_execute("CHECKPOINT").unwrap();
}

fn pg_keyset(client: &mut postgres::Client, rows: u64) {
    let update = client.prepare("UPDATE items SET v = a + b WHERE id > $1 AND id <= $2").unwrap();
    let mut lo = 0i64;
    while lo < rows as i64 {
        client.execute(&update, &[&lo, &(lo + 1000)]).unwrap();
        lo += 1000;
    }
}

/// What a concurrent writer saw during (a) and during (d).
struct Contention {
    during_raw: Latencies,
    during_backfill: Latencies,
    backfill_took: Duration,
    backfill_longest: Duration,
}

fn postgres(rows: u64) -> (Figures, Contention) {
    let db =
        TestDatabase::create(&format!("bench_backfill_{rows}")).expect("the bench needs the local PostgreSQL server");
    let mut backend = PostgresBackend::connect(&db.url, "public").unwrap();
    runner::run(&mut backend, &[base()], None, &Options::default(), &mut |_| {}).unwrap();
    let mut client = db.connect();
    let mut figures = Figures { cases: Cases(Vec::new()), longest: Duration::ZERO, peak_mib: (0.0, 0.0) };
    pg_fresh(&mut client, rows);
    figures.peak_mib = (postgres_peak(100_000), peak_of_child("postgres", &db.url));
    for _ in 0..ROUNDS {
        pg_fresh(&mut client, rows);
        figures.cases.record(A, time(|| client.batch_execute("UPDATE items SET v = a + b").unwrap()));

        pg_fresh(&mut client, rows);
        let took = time(|| {
            let mut last = 0i64;
            loop {
                let ids: Vec<i64> = client
                    .query("SELECT id FROM items WHERE id > $1 ORDER BY id LIMIT 1000", &[&last])
                    .unwrap()
                    .iter()
                    .map(|r| r.get(0))
                    .collect();
                let Some(&max) = ids.last() else { break };
                let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
                client.batch_execute(&format!("UPDATE items SET v = a + b WHERE id IN ({list})")).unwrap();
                last = max;
            }
        });
        figures.cases.record(B, took);

        pg_fresh(&mut client, rows);
        figures.cases.record(C, time(|| pg_keyset(&mut client, rows)));

        pg_fresh(&mut client, rows);
        client.batch_execute("SET synchronous_commit = off").unwrap();
        figures.cases.record(C_RELAXED, time(|| pg_keyset(&mut client, rows)));
        client.batch_execute("RESET synchronous_commit").unwrap();

        pg_fresh(&mut client, rows);
        let d = run_backfill(&mut backend, sql_backfill());
        figures.cases.record(D, d.took);
        figures.longest = figures.longest.max(d.longest);

        pg_fresh(&mut client, rows);
        figures.cases.record(E, run_backfill(&mut backend, rust_backfill()).took);
    }

    pg_fresh(&mut client, rows);
    let w = Writer::start(&db.url, rows, "UPDATE items SET b = b WHERE id = $1");
    let t = Instant::now();
    client.batch_execute("UPDATE items SET v = a + b").unwrap();
    let during_raw = w.finish(t, Instant::now());
    pg_fresh(&mut client, rows);
    let w = Writer::start(&db.url, rows, "UPDATE items SET b = b WHERE id = $1");
    let t = Instant::now();
    let d = run_backfill(&mut backend, sql_backfill());
    let during_backfill = w.finish(t, t + d.took);
    let contention = Contention { during_raw, during_backfill, backfill_took: d.took, backfill_longest: d.longest };
    (figures, contention)
}

/// Peak memory of (d) alone on a table of `rows`.
fn postgres_peak(rows: u64) -> f64 {
    let db =
        TestDatabase::create(&format!("bench_backfill_{rows}")).expect("the bench needs the local PostgreSQL server");
    let mut backend = PostgresBackend::connect(&db.url, "public").unwrap();
    runner::run(&mut backend, &[base()], None, &Options::default(), &mut |_| {}).unwrap();
    pg_fresh(&mut db.connect(), rows);
    peak_of_child("postgres", &db.url)
}

// ---------------------------------------------------------------- report

fn section(report: &mut String, rows: u64, figures: &Figures) {
    writeln!(report, "| case | median time | rows/s | slowest round |\n|---|---|---|---|").unwrap();
    for c in &figures.cases.0 {
        let median = c.median();
        let slowest = c.runs.iter().max().copied().unwrap_or_default();
        let rate = rows as f64 / median.as_secs_f64();
        writeln!(report, "| {} | {} | {rate:.0} | {} |", c.label, ms(median), ms(slowest)).unwrap();
    }
    let cases = &figures.cases;
    let d = cases.median("(d)").unwrap_or(f64::NAN);
    let ratio = |prefix: &str| cases.median(prefix).map_or(f64::NAN, |t| t / d);
    write!(
        report,
        "\nThroughput ratios of (d), from the medians: d/a = {:.2}, d/b = {:.2}, d/c = {:.2}",
        ratio("(a)"),
        ratio("(b)"),
        ratio("(c)")
    )
    .unwrap();
    if cases.median("(c″)").is_some() {
        write!(report, ", d/c″ = {:.2}", ratio("(c″)")).unwrap();
    }
    if cases.median("(c′)").is_some() {
        write!(report, ", d/c′ = {:.2}", ratio("(c′)")).unwrap();
    }
    writeln!(
        report,
        " (targets: d/c″ ≥ 0.95 where measured, d/c ≥ 0.9, d/b ≥ 2). The Rust function's throughput against the SQL expression's: e/d = {:.2}.",
        d / cases.median("(e)").unwrap_or(f64::NAN)
    )
    .unwrap();
    let fastest = if cases.median("(c′)").is_some() { "(c′)" } else { "(c)" };
    let bound = cases.median("(b)").unwrap_or(f64::NAN) / cases.median(fastest).unwrap_or(f64::NAN);
    writeln!(
        report,
        "For scale: the fastest hand-written batched loop here, {fastest}, is {bound:.2}× as fast as (b); a backfill of 1,000-row batches that changes the same rows reaches d/b = 2 only by beating it."
    )
    .unwrap();
    writeln!(report, "\nLongest transaction of (d) over all rounds: {} (target ≤ 50 ms).", ms(figures.longest))
        .unwrap();
    writeln!(
        report,
        "Peak resident memory of a process running (d) alone: {:.1} MiB at 100,000 rows, {:.1} MiB at 1,000,000 rows.",
        figures.peak_mib.0, figures.peak_mib.1
    )
    .unwrap();
}

fn main() {
    if let Ok(spec) = std::env::var(PEAK_CHILD) {
        return peak_child(&spec);
    }
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf();
    let dir = repo.join("target/schemaflow-bench/backfill");
    std::fs::create_dir_all(&dir).unwrap();
    let lite = sqlite(MILLION, &dir);
    if std::env::var_os(SQLITE_ONLY).is_some() {
        let mut report = String::new();
        section(&mut report, MILLION, &lite);
        return print!("{report}");
    }
    let (pg, contention) = postgres(MILLION);

    let mut report = String::new();
    writeln!(report, "# Backfill throughput\n").unwrap();
    writeln!(
        report,
        "Generated by `cargo bench -p cargo-schemaflow --bench backfill` ({} cores; {MILLION} rows; each case sets a column to `a + b`). Every case starts from the same table: on SQLite a copy of one prepared file, in its default rollback-journal mode with `synchronous` FULL (the mode schemaflow uses) for all cases; on PostgreSQL 15 (the local server) the rows loaded again, vacuumed and analysed, after a checkpoint. The cases run interleaved, {ROUNDS} rounds; times are medians over the rounds. The naive loop sends its ids as a literal `IN (…)` list, as an ORM's `filter(id__in=ids).update(…)` does.\n",
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0)
    )
    .unwrap();
    writeln!(report, "## SQLite\n").unwrap();
    section(&mut report, MILLION, &lite);
    writeln!(report, "\n## PostgreSQL\n").unwrap();
    section(&mut report, MILLION, &pg);
    writeln!(
        report,
        "\nA writer updating random rows by key, one statement after another, during one more (a) and one more (d): during (a) it completed {} statements, p99 {} and max {}; during (d) {} statements, p99 {} and max {} (that run of (d) took {}, its longest transaction {}).",
        contention.during_raw.count,
        ms(contention.during_raw.p99),
        ms(contention.during_raw.max),
        contention.during_backfill.count,
        ms(contention.during_backfill.p99),
        ms(contention.during_backfill.max),
        ms(contention.backfill_took),
        ms(contention.backfill_longest)
    )
    .unwrap();
    let out = repo.join("docs/benchmarks/backfill.md");
    std::fs::write(&out, &report).unwrap();
    print!("{report}");
}
