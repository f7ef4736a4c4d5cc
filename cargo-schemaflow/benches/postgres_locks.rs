//! What schemaflow's online DDL spares a busy table, on PostgreSQL.
//!
//! A 1,000,000-row table, and a writer (its own connection, so its own
//! server process) updating random rows in a loop. In the same run, each
//! pair applied through the runner while the writer runs:
//! (a) a plain `CREATE INDEX` against (b) `create_index … concurrently`;
//! (c) a plain `ADD FOREIGN KEY` against (d) `… not_valid` (NOT VALID, then
//! VALIDATE in its own transaction). For each: the DDL's time and the
//! writer's p50 / p99 / max latency while it ran, as medians over rounds of
//! the cases interleaved. The concurrent build runs once more with a writer
//! whose commits do not wait for the WAL flush, to tell lock waits from I/O.
//!
//! Run: `cargo bench -p cargo-schemaflow --bench postgres_locks` (needs the
//! local server); figures go to `docs/benchmarks/postgres-locks.md`.

mod support;

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use support::{Latencies, Writer, median, ms};

use schemaflow_core::dialect::Options;
use schemaflow_core::model::*;
use schemaflow_core::runner::{self, postgres::PostgresBackend, test_database::TestDatabase};

const ROWS: i64 = 1_000_000;
/// Rounds of all the cases, interleaved.
const ROUNDS: usize = 3;
/// The concurrent build again, with a writer whose commits do not wait for
/// the WAL flush: what is left of its max latency is not I/O.
const CONCURRENTLY_NO_FLUSH_WAIT: &str =
    "`create_index … concurrently`, the writer's commits not waiting for the WAL flush";

fn base() -> Migration {
    let column = |name: &str, ty| Column {
        name: name.into(),
        ty,
        nullable: false,
        default: None,
        identity: false,
        generated: None,
    };
    let pk = |t: &str| Constraint {
        name: naming::primary_key(t),
        kind: ConstraintKind::PrimaryKey { columns: vec!["id".into()] },
        not_valid: false,
    };
    Migration {
        version: 1,
        name: "base".into(),
        steps: vec![
            Step::new(Op::CreateTable(Table {
                name: "users".into(),
                columns: vec![column("id", ColumnType::I64)],
                constraints: vec![pk("users")],
                if_not_exists: false,
            })),
            Step::new(Op::CreateTable(Table {
                name: "items".into(),
                columns: vec![
                    column("id", ColumnType::I64),
                    column("user_id", ColumnType::I64),
                    column("n", ColumnType::I64),
                    column("note", ColumnType::Text),
                ],
                constraints: vec![pk("items")],
                if_not_exists: false,
            })),
        ],
        down: Down::Derived,
        settings: Settings::default(),
        transforms: Default::default(),
    }
}

fn index(concurrently: bool) -> Migration {
    Migration {
        version: 2,
        name: if concurrently { "index_concurrently" } else { "index_plain" }.into(),
        steps: vec![Step::new(Op::CreateIndex(Index {
            name: "items_note_idx".into(),
            table: "items".into(),
            columns: vec!["note".into()],
            unique: false,
            predicate: None,
            key: None,
            concurrently,
            if_not_exists: false,
        }))],
        down: Down::Derived,
        settings: Settings::default(),
        transforms: Default::default(),
    }
}

fn foreign_key(online: bool) -> Migration {
    Migration {
        version: 2,
        name: if online { "fk_not_valid" } else { "fk_plain" }.into(),
        steps: vec![Step::new(Op::AddConstraint {
            table: "items".into(),
            constraint: Constraint {
                name: "items_user_id_fkey".into(),
                kind: ConstraintKind::ForeignKey {
                    columns: vec!["user_id".into()],
                    ref_table: "users".into(),
                    ref_columns: vec!["id".into()],
                    on_delete: FkAction::NoAction,
                    on_update: FkAction::NoAction,
                },
                not_valid: false,
            },
            online,
        })],
        down: Down::Derived,
        settings: Settings::default(),
        transforms: Default::default(),
    }
}

struct Figures {
    label: &'static str,
    ddl: Duration,
    writer: Latencies,
}

/// One case over the rounds: medians, and the worst round's max.
struct Summary {
    label: &'static str,
    ddl: Duration,
    writes: usize,
    p50: Duration,
    p99: Duration,
    max: Duration,
    worst: Duration,
}

impl Summary {
    fn of<'a>(runs: impl Iterator<Item = &'a Figures>) -> Summary {
        let runs: Vec<&Figures> = runs.collect();
        let median_of = |f: fn(&Figures) -> Duration| median(runs.iter().map(|r| f(r)).collect());
        let mut writes: Vec<usize> = runs.iter().map(|r| r.writer.count).collect();
        writes.sort();
        Summary {
            label: runs[0].label,
            ddl: median_of(|r| r.ddl),
            writes: writes[writes.len() / 2],
            p50: median_of(|r| r.writer.p50),
            p99: median_of(|r| r.writer.p99),
            max: median_of(|r| r.writer.max),
            worst: runs.iter().map(|r| r.writer.max).max().unwrap_or_default(),
        }
    }
}

/// Applies `m` (after `base`) while a writer updates random rows; rolls it
/// back afterwards so the next case starts from the same table.
fn measure(url: &str, label: &'static str, base: &Migration, m: &Migration, writer_session: &str) -> Figures {
    let writer = Writer::start_with(url, ROWS as u64, "UPDATE items SET n = n + 1 WHERE id = $1", writer_session);
    let mut backend = PostgresBackend::connect(url, "public").unwrap();
    let started = Instant::now();
    let n = runner::run(&mut backend, &[base.clone(), m.clone()], None, &Options::default(), &mut |_| {}).unwrap();
    let ddl = started.elapsed();
    assert_eq!(n, 1);
    std::thread::sleep(Duration::from_millis(200));
    let writer = writer.finish(started, started + ddl);
    runner::rollback(
        &mut backend,
        &[base.clone(), m.clone()],
        runner::RollbackTarget::Steps(1),
        &Options::default(),
        &mut |_| {},
    )
    .unwrap();
    Figures { label, ddl, writer }
}

fn main() {
    let db = TestDatabase::create("bench_locks").expect("the bench needs the local PostgreSQL server");
    let base = base();
    let mut backend = PostgresBackend::connect(&db.url, "public").unwrap();
    runner::run(&mut backend, std::slice::from_ref(&base), None, &Options::default(), &mut |_| {}).unwrap();
    let load = Instant::now();
    backend
        .client()
        .batch_execute(&format!(
            "INSERT INTO users SELECT i FROM generate_series(1, 10000) i;
             INSERT INTO items SELECT i, 1 + i % 10000, 0, md5(i::text) FROM generate_series(1, {ROWS}) i;"
        ))
        .unwrap();
    backend.client().batch_execute("VACUUM ANALYZE items").unwrap();
    eprintln!("loaded {ROWS} rows in {:?}", load.elapsed());
    // Each case starts after a vacuum and a checkpoint, so no case pays for
    // the dead rows or the checkpoint of the one before; the cases run
    // interleaved, round after round, and each figure is the median over
    // the rounds (the worst round's max is shown too).
    let mut rounds: Vec<Vec<Figures>> = Vec::new();
    for _ in 0..ROUNDS {
        let durable = "";
        let cases: [(&'static str, Migration, &str); 5] = [
            ("plain `CREATE INDEX`", index(false), durable),
            ("`create_index … concurrently`", index(true), durable),
            (CONCURRENTLY_NO_FLUSH_WAIT, index(true), "SET synchronous_commit = off"),
            ("plain `ADD FOREIGN KEY`", foreign_key(false), durable),
            ("`add_constraint … not_valid` (NOT VALID + VALIDATE)", foreign_key(true), durable),
        ];
        let round = cases
            .into_iter()
            .map(|(label, m, writer_session)| {
                backend.client().batch_execute("VACUUM items").unwrap();
                backend.client().batch_execute("CHECKPOINT").unwrap();
                measure(&db.url, label, &base, &m, writer_session)
            })
            .collect();
        rounds.push(round);
    }
    let cases: Vec<Summary> = (0..rounds[0].len()).map(|i| Summary::of(rounds.iter().map(|r| &r[i]))).collect();
    let version: String = backend.client().query_one("SHOW server_version", &[]).unwrap().get(0);
    let mut report = String::new();
    writeln!(report, "# PostgreSQL: online DDL under a concurrent writer\n").unwrap();
    writeln!(
        report,
        "Generated by `cargo bench -p cargo-schemaflow --bench postgres_locks` (PostgreSQL {version}, local server, {} cores; {ROWS} rows; a writer on its own connection updates random rows by primary key in a loop; each case rolled back before the next and started after a vacuum and a checkpoint; the cases interleaved, {ROUNDS} rounds, each figure the median over the rounds).\n",
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0)
    )
    .unwrap();
    writeln!(
        report,
        "| case | DDL time | writes during it | writer p50 | writer p99 | writer max | writer max, worst round |\n|---|---|---|---|---|---|---|"
    )
    .unwrap();
    for c in &cases {
        writeln!(
            report,
            "| {} | {} | {} | {} | {} | {} | {} |",
            c.label,
            ms(c.ddl),
            c.writes,
            ms(c.p50),
            ms(c.p99),
            ms(c.max),
            ms(c.worst)
        )
        .unwrap();
    }
    writeln!(
        report,
        "\nTarget: with schemaflow's forms the writer's max latency stays under 100 ms, against the whole DDL time for the plain forms.\n\nRatios of the writer's max latency (medians), plain / online: index {:.0}×, foreign key {:.0}×.",
        cases[0].max.as_secs_f64() / cases[1].max.as_secs_f64().max(1e-6),
        cases[3].max.as_secs_f64() / cases[4].max.as_secs_f64().max(1e-6)
    )
    .unwrap();
    writeln!(
        report,
        "\nThe third row tells lock waits from I/O: the index build writes its index to the WAL, and a durable commit of the writer waits for that WAL to be flushed first. With its commits not waiting for the flush (`synchronous_commit = off`, on the writer only) its max latency during the concurrent build is {}, against {} when durable: what remains above that is the disk, not a lock.",
        ms(cases[2].max),
        ms(cases[1].max)
    )
    .unwrap();
    let out = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/benchmarks/postgres-locks.md");
    std::fs::write(&out, &report).unwrap();
    print!("{report}");
}
