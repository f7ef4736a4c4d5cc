//! Backfill throughput on SQLite and PostgreSQL, against the hand-written
//! ways, in one run.
//!
//! A table of N rows; each case sets its own column from an expression over
//! two others (`a + b`):
//! (a) one raw `UPDATE`;
//! (b) the naive loop: select the next 1,000 ids, `UPDATE … WHERE id IN (…)`;
//! (c) a hand-written keyset-range loop, `WHERE id > lo AND id <= lo + 1000`,
//!     one transaction each: the fastest a batched backfill can be;
//! (d) schemaflow's `backfill … batch 1000` with no pause, progress
//!     recorded with every batch.
//! Reported: rows/s, the ratios d/a, d/b, d/c, the longest transaction of
//! (d), peak memory of (d) at 100k and 1M rows, and on PostgreSQL a
//! concurrent writer's p99 and max latency during (a) and (d).
//!
//! Run: `cargo bench -p cargo-schemaflow --bench backfill`; figures go to
//! `docs/benchmarks/backfill.md`.

use std::fmt::Write as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use schemaflow_core::dialect::Options;
use schemaflow_core::model::*;
use schemaflow_core::runner::{
    self, Backend, Event, postgres::PostgresBackend, sqlite::SqliteBackend, test_database::TestDatabase,
};

fn column(name: &str, nullable: bool) -> Column {
    Column { name: name.into(), ty: ColumnType::I64, nullable, default: None, identity: false }
}

fn migration(version: u64, name: &str, op: Op) -> Migration {
    Migration {
        version,
        name: name.into(),
        steps: vec![Step::new(op)],
        down: Down::Derived,
        settings: Settings::default(),
        transforms: Default::default(),
    }
}

fn base() -> Migration {
    migration(
        1,
        "items",
        Op::CreateTable(Table {
            name: "items".into(),
            columns: vec![
                column("id", false),
                column("a", false),
                column("b", false),
                column("c_a", true),
                column("c_b", true),
                column("c_c", true),
                column("c_d", true),
            ],
            constraints: vec![Constraint {
                name: "items_pkey".into(),
                kind: ConstraintKind::PrimaryKey { columns: vec!["id".into()] },
            }],
        }),
    )
}

fn backfill() -> Migration {
    let mut m = migration(
        2,
        "fill",
        Op::Backfill(Backfill {
            table: "items".into(),
            assignments: vec![Assignment { column: "c_d".into(), value: DefaultValue::Sql("a + b".into()) }],
            predicate: None,
            batch_size: 1000,
            pause_ms: 0,
            transform: None,
        }),
    );
    // Nothing to undo (the column keeps its values), so it can run twice.
    m.down = Down::Explicit(Vec::new());
    m
}

/// Peak resident memory since the last reset, in MiB (Linux).
fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// (d) through the runner: time, longest batch transaction, peak memory.
fn schemaflow_backfill(backend: &mut dyn Backend) -> (Duration, Duration, f64) {
    schemaflow_backfill_with(backend, backfill())
}

fn schemaflow_backfill_with(backend: &mut dyn Backend, fill: Migration) -> (Duration, Duration, f64) {
    let mut longest = Duration::ZERO;
    reset_peak_rss();
    let started = Instant::now();
    runner::run(backend, &[base(), fill], None, &Options::default(), &mut |e| {
        if let Event::Batch { batch, .. } = e {
            longest = longest.max(batch.took);
        }
    })
    .unwrap();
    (started.elapsed(), longest, peak_rss_mib())
}

struct Row {
    case: &'static str,
    took: Duration,
}

fn rate(rows: u64, d: Duration) -> String {
    format!("{:.0}", rows as f64 / d.as_secs_f64())
}

fn sqlite(rows: u64, dir: &std::path::Path) -> (Vec<Row>, Duration, f64) {
    let path = dir.join(format!("backfill-{rows}.db"));
    for suffix in ["", "-journal"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    let mut backend = SqliteBackend::open(&path).unwrap();
    runner::run(&mut backend, &[base()], None, &Options::default(), &mut |_| {}).unwrap();
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(&format!(
        "BEGIN; WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < {rows}) INSERT INTO items (id, a, b) SELECT i, i, 2 * i FROM s; COMMIT;"
    ))
    .unwrap();
    let mut out = Vec::new();
    let t = Instant::now();
    conn.execute_batch("BEGIN; UPDATE items SET c_a = a + b; COMMIT;").unwrap();
    out.push(Row { case: "(a) one raw UPDATE", took: t.elapsed() });
    let t = Instant::now();
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
        conn.execute_batch(&format!("BEGIN; UPDATE items SET c_b = a + b WHERE id IN ({list}); COMMIT;")).unwrap();
        last = max;
    }
    out.push(Row { case: "(b) naive loop: select 1,000 ids, UPDATE … IN (…)", took: t.elapsed() });
    let t = Instant::now();
    let mut lo = 0i64;
    while lo < rows as i64 {
        let mut stmt = conn.prepare_cached("UPDATE items SET c_c = a + b WHERE id > ?1 AND id <= ?2").unwrap();
        conn.execute_batch("BEGIN").unwrap();
        stmt.execute([lo, lo + 1000]).unwrap();
        conn.execute_batch("COMMIT").unwrap();
        lo += 1000;
    }
    out.push(Row { case: "(c) hand-written keyset ranges, 1,000 rows a transaction", took: t.elapsed() });
    drop(conn);
    let (took, longest, peak) = schemaflow_backfill(&mut backend);
    out.push(Row { case: "(d) schemaflow `backfill … batch 1000`, progress recorded", took });
    (out, longest, peak)
}

struct Writer {
    stop: Arc<AtomicBool>,
    handle: std::thread::JoinHandle<Vec<(Instant, Duration)>>,
}

fn writer(url: &str, rows: u64) -> Writer {
    let stop = Arc::new(AtomicBool::new(false));
    let (url, flag) = (url.to_owned(), stop.clone());
    let handle = std::thread::spawn(move || {
        let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
        let update = client.prepare("UPDATE items SET b = b WHERE id = $1").unwrap();
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut samples = Vec::new();
        while !flag.load(Ordering::Relaxed) {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let id = (seed % rows) as i64 + 1;
            let at = Instant::now();
            client.execute(&update, &[&id]).unwrap();
            samples.push((at, at.elapsed()));
        }
        samples
    });
    Writer { stop, handle }
}

impl Writer {
    fn finish(self, from: Instant, to: Instant) -> (Duration, Duration) {
        self.stop.store(true, Ordering::Relaxed);
        let samples = self.handle.join().unwrap();
        let mut during: Vec<Duration> =
            samples.iter().filter(|(at, d)| *at + *d >= from && *at <= to).map(|(_, d)| *d).collect();
        during.sort();
        let p99 = during.get(((during.len() as f64 - 1.0) * 0.99).round() as usize).copied().unwrap_or_default();
        (p99, during.last().copied().unwrap_or_default())
    }
}

fn postgres(rows: u64) -> (Vec<Row>, Duration, f64, [(Duration, Duration); 3]) {
    let db =
        TestDatabase::create(&format!("bench_backfill_{rows}")).expect("the bench needs the local PostgreSQL server");
    let mut backend = PostgresBackend::connect(&db.url, "public").unwrap();
    runner::run(&mut backend, &[base()], None, &Options::default(), &mut |_| {}).unwrap();
    let mut client = db.connect();
    client
        .batch_execute(&format!("INSERT INTO items (id, a, b) SELECT i, i, 2 * i FROM generate_series(1, {rows}) i"))
        .unwrap();
    client.batch_execute("VACUUM ANALYZE items").unwrap();
    let mut out = Vec::new();
    let w = writer(&db.url, rows);
    std::thread::sleep(Duration::from_millis(200));
    let t = Instant::now();
    client.batch_execute("UPDATE items SET c_a = a + b").unwrap();
    let raw = t.elapsed();
    let writer_a = w.finish(t, t + raw);
    out.push(Row { case: "(a) one raw UPDATE", took: raw });
    let t = Instant::now();
    let mut last = 0i64;
    loop {
        let ids: Vec<i64> = client
            .query("SELECT id FROM items WHERE id > $1 ORDER BY id LIMIT 1000", &[&last])
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect();
        let Some(&max) = ids.last() else { break };
        client.execute("UPDATE items SET c_b = a + b WHERE id = ANY($1)", &[&ids]).unwrap();
        last = max;
    }
    out.push(Row { case: "(b) naive loop: select 1,000 ids, UPDATE … IN (…)", took: t.elapsed() });
    let t = Instant::now();
    let update = client.prepare("UPDATE items SET c_c = a + b WHERE id > $1 AND id <= $2").unwrap();
    let mut lo = 0i64;
    while lo < rows as i64 {
        client.execute(&update, &[&lo, &(lo + 1000)]).unwrap();
        lo += 1000;
    }
    out.push(Row { case: "(c) hand-written keyset ranges, 1,000 rows a transaction", took: t.elapsed() });
    // (d) alone, for throughput comparable with (b) and (c)…
    let (took, longest, peak) = schemaflow_backfill(&mut backend);
    out.push(Row { case: "(d) schemaflow `backfill … batch 1000`, progress recorded", took });
    // …then again under the writer, for its latency (as (a) was).
    let mut again = PostgresBackend::connect(&db.url, "public").unwrap();
    runner::rollback(
        &mut again,
        &[base(), backfill()],
        runner::RollbackTarget::Steps(1),
        &Options::default(),
        &mut |_| {},
    )
    .unwrap();
    let w = writer(&db.url, rows);
    std::thread::sleep(Duration::from_millis(200));
    let t = Instant::now();
    let mut under_load = Duration::ZERO;
    let (took_loaded, _, _) = {
        let r = schemaflow_backfill_with(&mut again, backfill());
        under_load = under_load.max(r.1);
        r
    };
    let writer_d = w.finish(t, t + took_loaded);
    (out, longest, peak, [writer_a, writer_d, (under_load, took_loaded)])
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn table(report: &mut String, rows: u64, cases: &[Row]) {
    writeln!(report, "| case | time | rows/s |\n|---|---|---|").unwrap();
    for c in cases {
        writeln!(report, "| {} | {} | {} |", c.case, ms(c.took), rate(rows, c.took)).unwrap();
    }
    let d = cases[3].took.as_secs_f64();
    writeln!(
        report,
        "\nThroughput ratios of (d): d/a = {:.2}, d/b = {:.2}, d/c = {:.2} (targets: d/c ≥ 0.9, d/b ≥ 2).",
        cases[0].took.as_secs_f64() / d,
        cases[1].took.as_secs_f64() / d,
        cases[2].took.as_secs_f64() / d
    )
    .unwrap();
}

fn main() {
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf();
    let dir = repo.join("target/schemaflow-bench/backfill");
    std::fs::create_dir_all(&dir).unwrap();
    let million = 1_000_000;
    let (lite, lite_longest, lite_peak) = sqlite(million, &dir);
    let (_, _, lite_peak_small) = sqlite(100_000, &dir);
    let (pg, pg_longest, pg_peak, writers) = postgres(million);
    let (_, _, pg_peak_small, _) = postgres(100_000);

    let mut report = String::new();
    writeln!(report, "# Backfill throughput\n").unwrap();
    writeln!(
        report,
        "Generated by `cargo bench -p cargo-schemaflow --bench backfill` ({} cores; {million} rows; SQLite in its default rollback-journal mode with `synchronous` FULL, the mode schemaflow uses, for all four cases; PostgreSQL 15 on the local server). Each case sets its own column to `a + b`; one run, cases in order.\n",
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0)
    )
    .unwrap();
    writeln!(report, "## SQLite\n").unwrap();
    table(&mut report, million, &lite);
    writeln!(report, "\nLongest transaction of (d): {} (target ≤ 50 ms).", ms(lite_longest)).unwrap();
    writeln!(report, "Peak resident memory of the process during (d): {lite_peak_small:.1} MiB at 100,000 rows, {lite_peak:.1} MiB at 1,000,000 rows.\n").unwrap();
    writeln!(report, "## PostgreSQL\n").unwrap();
    table(&mut report, million, &pg);
    writeln!(report, "\nLongest transaction of (d): {} (target ≤ 50 ms).", ms(pg_longest)).unwrap();
    writeln!(report, "Peak resident memory of the process during (d): {pg_peak_small:.1} MiB at 100,000 rows, {pg_peak:.1} MiB at 1,000,000 rows.").unwrap();
    writeln!(
        report,
        "\nA writer updating random rows by key, run during (a) and during a second run of (d): during (a) p99 {} and max {}; during (d) p99 {} and max {} (that run of (d) took {}, its longest transaction {}).",
        ms(writers[0].0),
        ms(writers[0].1),
        ms(writers[1].0),
        ms(writers[1].1),
        ms(writers[2].1),
        ms(writers[2].0)
    )
    .unwrap();
    let out = repo.join("docs/benchmarks/backfill.md");
    std::fs::write(&out, &report).unwrap();
    print!("{report}");
}
