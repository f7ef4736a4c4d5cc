//! What an online change costs the application, on SQLite and PostgreSQL.
//!
//! 1. The sync's price per write: the same single-row writes by key
//!    (updates of random rows, then inserts), each its own transaction as an
//!    app's are, on the table without a sync, with the SQL sync and with
//!    the logged sync of a change written with Rust functions (the
//!    migration expanded), interleaved, medians over the rounds: the ratio
//!    is what each write pays while two app versions run.
//! 2. What a writer sees while the change runs on 1M rows (PostgreSQL):
//!    the old app's updates during the expand and backfill (`run`), the new
//!    app's during the contract (`complete`): statements, p99, max, errors.
//!
//! Run: `cargo bench -p cargo-schemaflow --bench online`; figures go to
//! `docs/benchmarks/online.md`.

mod support;

use std::fmt::Write as _;
use std::path::Path;
use std::str::FromStr;
use std::time::{Duration, Instant};

use schemaflow_core::dialect::Options;
use schemaflow_core::model::Migration;
use schemaflow_core::runner::{
    self, Backend, postgres::PostgresBackend, sqlite::SqliteBackend, test_database::TestDatabase,
};
use schemaflow_core::transform::Value;
use support::{Writer, median, ms};

const ROUNDS: usize = 5;
const WRITES: u64 = 5_000;

fn parse(version: u64, name: &str, src: &str) -> Migration {
    let tokens = proc_macro2::TokenStream::from_str(src).unwrap();
    schemaflow_core::dsl::parse_migration(tokens, version, name).unwrap().migration
}

fn history() -> Vec<Migration> {
    vec![
        parse(1, "users", "create_table users { id: i64 primary_key, name: String }"),
        parse(2, "rename_name", "online_change users { rename name -> full_name: String }"),
    ]
}

/// The same rename with each side computed by a Rust function: the
/// trigger logs each write for the catch-up instead of computing it.
fn logged_history() -> Vec<Migration> {
    let mut change = parse(
        2,
        "rename_name",
        "online_change users { add full_name: String, retire name, with same(name) -> full_name, with same(full_name) -> name }",
    );
    change.transforms.register("same", std::sync::Arc::new(|row: Vec<Value>| Ok(row)));
    vec![history().remove(0), change]
}

/// A connection writing as an app does.
trait Conn {
    fn exec(&mut self, sql: &str);
}

impl Conn for rusqlite::Connection {
    fn exec(&mut self, sql: &str) {
        self.execute_batch(sql).unwrap();
    }
}

impl Conn for postgres::Client {
    fn exec(&mut self, sql: &str) {
        self.batch_execute(sql).unwrap();
    }
}

/// `WRITES` updates of random rows among `rows`, then `WRITES` inserts of
/// new ids from `next_id`: the time of each half.
fn writes(conn: &mut dyn Conn, rows: u64, next_id: &mut u64, column: &str) -> (Duration, Duration) {
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let started = Instant::now();
    for k in 0..WRITES {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let id = seed % rows + 1;
        conn.exec(&format!("UPDATE users SET {column} = 'update {k}' WHERE id = {id}"));
    }
    let updates = started.elapsed();
    let started = Instant::now();
    for _ in 0..WRITES {
        *next_id += 1;
        conn.exec(&format!("INSERT INTO users (id, {column}) VALUES ({next_id}, 'insert {next_id}')"));
    }
    (updates, started.elapsed())
}

/// Per-write times without a sync, with the SQL sync and with the logged
/// sync (Rust functions), interleaved over rounds: updates, then inserts,
/// each in that order, medians.
fn sync_cost(
    backend: &mut dyn Backend,
    conn: &mut dyn Conn,
    rows: u64,
    seed_rows: &dyn Fn(&mut dyn Conn),
) -> [Duration; 6] {
    let (migrations, logged) = (history(), logged_history());
    let options = Options::default();
    runner::run(backend, &migrations[..1], None, &options, &mut |_| {}).unwrap();
    seed_rows(conn);
    let mut next_id = rows;
    let mut samples: [Vec<Duration>; 6] = Default::default();
    for _ in 0..ROUNDS {
        let (u, i) = writes(conn, rows, &mut next_id, "name");
        samples[0].push(u);
        samples[3].push(i);
        // Expanded: the sync is on.
        for (at, change) in [(1, &migrations), (2, &logged)] {
            runner::run(backend, change, None, &options, &mut |_| {}).unwrap();
            let (u, i) = writes(conn, rows, &mut next_id, "name");
            samples[at].push(u);
            samples[3 + at].push(i);
            // The way back (for the logged sync, after a catch-up of what
            // the writes logged).
            runner::rollback(backend, change, runner::RollbackTarget::Steps(1), &options, &mut |_| {}).unwrap();
        }
    }
    samples.map(median)
}

fn per_write(d: Duration) -> String {
    format!("{:.1} µs", d.as_secs_f64() * 1e6 / WRITES as f64)
}

fn cost_rows(report: &mut String, cost: &[Duration; 6]) {
    writeln!(
        report,
        "| writes | without a sync | SQL sync | ratio | logged sync (Rust functions) | ratio |\n|---|---|---|---|---|---|"
    )
    .unwrap();
    for (what, at) in [("update by key", 0), ("insert", 3)] {
        let ratio = |with: Duration| with.as_secs_f64() / cost[at].as_secs_f64();
        writeln!(
            report,
            "| {what} | {} | {} | {:.2}× | {} | {:.2}× |",
            per_write(cost[at]),
            per_write(cost[at + 1]),
            ratio(cost[at + 1]),
            per_write(cost[at + 2]),
            ratio(cost[at + 2])
        )
        .unwrap();
    }
}

/// A thread updating random rows of the SQLite file by key, one statement
/// after another (busy timeout 10 s, as an app would set): its latencies
/// and failed statements.
struct SqliteWriter {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    handle: std::thread::JoinHandle<(Vec<Duration>, usize)>,
}

impl SqliteWriter {
    fn start(path: &Path, rows: u64, column: &'static str) -> SqliteWriter {
        use std::sync::atomic::Ordering;
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let (flag, path) = (stop.clone(), path.to_owned());
        let handle = std::thread::spawn(move || {
            let conn = rusqlite::Connection::open(&path).unwrap();
            conn.busy_timeout(Duration::from_secs(10)).unwrap();
            let (mut samples, mut errors) = (Vec::new(), 0);
            let mut seed = 0x9e37_79b9_7f4a_7c15u64;
            while !flag.load(Ordering::Relaxed) {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                let at = Instant::now();
                let sql = format!("UPDATE users SET {column} = 'app' WHERE id = {}", seed % rows + 1);
                if conn.execute_batch(&sql).is_err() {
                    errors += 1;
                }
                samples.push(at.elapsed());
            }
            (samples, errors)
        });
        std::thread::sleep(Duration::from_millis(100));
        SqliteWriter { stop, handle }
    }

    /// Stops it: (statements, p99, max, errors).
    fn finish(self) -> (usize, Duration, Duration, usize) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        let (mut samples, errors) = self.handle.join().unwrap();
        samples.sort();
        let p99 = samples.get(((samples.len() as f64 - 1.0) * 0.99).round() as usize).copied().unwrap_or_default();
        (samples.len(), p99, samples.last().copied().unwrap_or_default(), errors)
    }
}

/// The online rename of `rows` rows on a SQLite file with a writer
/// running: the old app during `run`, the new app during `complete`.
fn sqlite_phases(dir: &Path, rows: u64) -> String {
    let path = dir.join("online-phases.db");
    let _ = std::fs::remove_file(&path);
    let migrations = history();
    let options = Options::default();
    let mut backend = SqliteBackend::open(&path).unwrap();
    runner::run(&mut backend, &migrations[..1], None, &options, &mut |_| {}).unwrap();
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute_batch(&format!(
            "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < {rows}) INSERT INTO users (id, name) SELECT i, 'user ' || i FROM s"
        ))
        .unwrap();
    let old_app = SqliteWriter::start(&path, rows, "name");
    let started = Instant::now();
    runner::run(&mut backend, &migrations, None, &options, &mut |_| {}).unwrap();
    let expand = started.elapsed();
    let old = old_app.finish();
    let new_app = SqliteWriter::start(&path, rows, "full_name");
    let started = Instant::now();
    runner::complete(&mut backend, &migrations, &options, &mut |_| {}).unwrap();
    let contract = started.elapsed();
    let new = new_app.finish();
    format!(
        "\nA writer updating random rows by key on the same file ({rows} rows), one statement after another, busy timeout 10 s:\n\n| phase | took | statements | p99 | max | errors |\n|---|---|---|---|---|---|\n| expand + backfill (`run`), old app writing `name` | {} | {} | {} | {} | {} |\n| contract (`complete`, a table rebuild on SQLite), new app writing `full_name` | {} | {} | {} | {} | {} |\n",
        ms(expand),
        old.0,
        ms(old.1),
        ms(old.2),
        old.3,
        ms(contract),
        new.0,
        ms(new.1),
        ms(new.2),
        new.3
    )
}

fn main() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf();
    let dir = repo.join("target/schemaflow-bench/online");
    std::fs::create_dir_all(&dir).unwrap();
    let mut report = String::new();
    writeln!(report, "# Online changes: what the application pays\n").unwrap();
    writeln!(
        report,
        "Generated by `cargo bench -p cargo-schemaflow --bench online` ({} cores). `online_change users {{ rename name -> full_name: String }}` on `users(id, name)`. Sync cost: {WRITES} updates of random rows by key and {WRITES} inserts, each statement its own transaction, without a sync, with the SQL sync (the migration expanded) and with the logged sync of the same rename written with Rust functions (`with same(name) -> full_name, with same(full_name) -> name`: the trigger logs the key for the catch-up), interleaved over {ROUNDS} rounds, medians.\n",
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0)
    )
    .unwrap();

    // SQLite: a file, as an app has it.
    let path = dir.join("online.db");
    let _ = std::fs::remove_file(&path);
    let rows = 100_000u64;
    let mut backend = SqliteBackend::open(&path).unwrap();
    let mut conn = rusqlite::Connection::open(&path).unwrap();
    conn.busy_timeout(Duration::from_secs(30)).unwrap();
    let seed = |c: &mut dyn Conn| {
        c.exec(&format!(
            "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < {rows}) INSERT INTO users (id, name) SELECT i, 'user ' || i FROM s"
        ))
    };
    let lite = sync_cost(&mut backend, &mut conn, rows, &seed);
    writeln!(report, "## SQLite ({rows} rows, rollback journal, synchronous FULL)\n").unwrap();
    cost_rows(&mut report, &lite);
    report.push_str(&sqlite_phases(&dir, 1_000_000));

    // PostgreSQL.
    let Some(db) = TestDatabase::create("bench_online") else {
        print!("{report}");
        return;
    };
    let rows = 1_000_000u64;
    let mut backend = PostgresBackend::connect(&db.url, "public").unwrap();
    let mut client = postgres::Client::connect(&db.url, postgres::NoTls).unwrap();
    let seed = |c: &mut dyn Conn| {
        c.exec(&format!("INSERT INTO users (id, name) SELECT i, 'user ' || i FROM generate_series(1, {rows}) AS i"));
        c.exec("VACUUM ANALYZE users");
    };
    let pg = sync_cost(&mut backend, &mut client, rows, &seed);
    writeln!(report, "\n## PostgreSQL ({rows} rows)\n").unwrap();
    cost_rows(&mut report, &pg);

    // A writer through the change on 1M rows: the old app during `run`
    // (expand and backfill), the new app during `complete` (contract).
    let migrations = history();
    let options = Options::default();
    let old_app = Writer::start(&db.url, rows, "UPDATE users SET name = 'old app' WHERE id = $1");
    let started = Instant::now();
    runner::run(&mut backend, &migrations, None, &options, &mut |_| {}).unwrap();
    let expand = (started, Instant::now());
    let old = old_app.finish(expand.0, expand.1);
    let mismatched: i64 =
        client.query_one("SELECT count(*) FROM users WHERE full_name IS DISTINCT FROM name", &[]).unwrap().get(0);
    let new_app = Writer::start(&db.url, rows, "UPDATE users SET full_name = 'new app' WHERE id = $1");
    let started = Instant::now();
    runner::complete(&mut backend, &migrations, &options, &mut |_| {}).unwrap();
    let contract = (started, Instant::now());
    let new = new_app.finish(contract.0, contract.1);
    writeln!(
        report,
        "\nA writer updating random rows by key, one statement after another (an error would stop the bench):\n\n| phase | took | statements | p99 | max | errors |\n|---|---|---|---|---|---|\n| expand + backfill (`run`), old app writing `name` | {} | {} | {} | {} | 0 |\n| contract (`complete`), new app writing `full_name` | {} | {} | {} | {} | 0 |\n\nAfter the expand, rows whose two shapes differ: {mismatched}.",
        ms(expand.1 - expand.0),
        old.count,
        ms(old.p99),
        ms(old.max),
        ms(contract.1 - contract.0),
        new.count,
        ms(new.p99),
        ms(new.max),
    )
    .unwrap();
    let out = repo.join("docs/benchmarks/online.md");
    std::fs::write(&out, &report).unwrap();
    print!("{report}");
    eprintln!("written to {}", out.display());
}
