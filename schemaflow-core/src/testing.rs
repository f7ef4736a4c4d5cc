//! `cargo schemaflow test`: every migration applied, rolled back and applied
//! again on a scratch database filled with generated rows, checking at each
//! step that the live schema is the one the migrations describe, that a
//! rollback gives back every row and value it did not mean to change, and
//! how long each step takes.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::dialect::{self, Options};
use crate::model::{Column, ColumnType, ConstraintKind, Migration, Table};
pub use crate::runner::ScratchDatabase;
use crate::runner::{self, RollbackTarget, RunError};
use crate::schema::Schema;

/// What the test generates and checks.
#[derive(Clone, Debug)]
pub struct TestOptions {
    /// Rows generated per table.
    pub rows: u64,
    /// Seed of the generated values.
    pub seed: u64,
    /// A migration (one way) slower than this fails the test.
    pub max_duration: Option<Duration>,
    /// Generate rows. Off when testing on a copy of a real database, whose
    /// rows are the test data.
    pub generate: bool,
}

/// The outcome for one migration.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MigrationResult {
    /// `YYYYMMDDHHMM_name`.
    pub id: String,
    /// Time to apply it, in milliseconds.
    pub up_ms: u64,
    /// Time to roll it back (none when irreversible).
    pub down_ms: Option<u64>,
    /// Time to apply it again.
    pub again_ms: Option<u64>,
    /// Rows in the tables it touched when it was applied.
    pub rows: u64,
    /// Statements that take a strong lock for a scan or rewrite, with the
    /// rows of their table.
    pub strong_locks: Vec<String>,
    /// `None` when it passed; what went wrong otherwise.
    pub failure: Option<String>,
}

/// The outcome of a whole test.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TestReport {
    /// Per migration, in version order.
    pub migrations: Vec<MigrationResult>,
    /// The final rollback of everything and the re-application, when every
    /// migration passed.
    pub sweep: Option<Sweep>,
    /// Migrations the database (a copy of a real one) already had, not tested.
    pub already_applied: usize,
    /// Whether every migration passed.
    pub passed: bool,
}

/// Tests every migration: up, down, up, with generated data.
pub fn test_migrations(db: &mut dyn ScratchDatabase, migrations: &[Migration], options: &TestOptions) -> TestReport {
    let mut sorted = migrations.to_vec();
    sorted.sort_by_key(|m| m.version);
    let mut schema = Schema::new();
    let mut results = Vec::new();
    let mut rng = options.seed.max(1);
    let mut filled = std::collections::BTreeSet::new();
    let run_options = Options::default();
    // On a copy of a real database, the migrations it already has are the
    // starting point; the test covers the rest.
    let applied: Vec<u64> = db.applied().map(|rows| rows.iter().map(|a| a.version).collect()).unwrap_or_default();
    for (i, m) in sorted.iter().enumerate() {
        let history = &sorted[..=i];
        if applied.contains(&m.version) {
            for s in &m.steps {
                let _ = schema.apply(&s.op);
            }
            if !options.generate {
                continue;
            }
        }
        if !options.generate {
            // Rows are the copy's own: nothing to generate.
            filled.extend(schema.tables.keys().cloned());
        }
        let mut result = MigrationResult {
            id: m.id(),
            up_ms: 0,
            down_ms: None,
            again_ms: None,
            rows: 0,
            strong_locks: Vec::new(),
            failure: None,
        };
        let outcome = (|| -> Result<(), String> {
            fill(db, &schema, &mut filled, options.rows, &mut rng)?;
            result.rows = touched_rows(db, &schema, m);
            result.strong_locks = strong_locks(m, &schema, db, &run_options);
            let before_data = snapshot(db, &schema)?;
            let mut after = schema.clone();
            for s in &m.steps {
                after.apply(&s.op).map_err(|e| e.message)?;
            }
            // Up.
            let started = Instant::now();
            run_through(db, history, &run_options).map_err(|e| e.to_string())?;
            result.up_ms = started.elapsed().as_millis() as u64;
            expect_schema(db, &after, "after it was applied")?;
            check_fk_indexes(&after)?;
            check_backfills(db, m)?;
            check_duration(options, started.elapsed(), "to apply")?;
            let reversible = matches!(dialect::plan_down(db.dialect(), &schema, m, &run_options), Ok(Ok(_)));
            if !reversible {
                return Ok(()); // irreversible: the rest of the history builds on it
            }
            // Down, on tables that hold rows, the new ones included: it must
            // give back every row, and every value it did not mean to change.
            fill(db, &after, &mut filled, options.rows, &mut rng)?;
            let started = Instant::now();
            match rollback_through(db, history, RollbackTarget::Steps(1), &run_options) {
                Ok(_) => {}
                Err(RunError::Irreversible { .. }) => return Ok(()),
                Err(e) => return Err(format!("its rollback failed: {e}")),
            }
            result.down_ms = Some(started.elapsed().as_millis() as u64);
            expect_schema(db, &schema, "after it was rolled back")?;
            check_duration(options, started.elapsed(), "to roll back")?;
            compare_data(&before_data, &snapshot(db, &schema)?, &written_columns(m))?;
            // Up again.
            let started = Instant::now();
            run_through(db, history, &run_options).map_err(|e| format!("applying it again failed: {e}"))?;
            result.again_ms = Some(started.elapsed().as_millis() as u64);
            expect_schema(db, &after, "after it was applied again")?;
            // Tables it created are empty again: fill them for what follows.
            for s in &m.steps {
                if let crate::model::Op::CreateTable(t) = &s.op {
                    filled.remove(&t.name);
                }
            }
            Ok(())
        })();
        if let Err(failure) = outcome {
            result.failure = Some(failure);
            results.push(result);
            break; // later migrations build on this one
        }
        for s in &m.steps {
            let _ = schema.apply(&s.op);
        }
        results.push(result);
    }
    let already_applied = if options.generate { 0 } else { applied.len() };
    let all_tested = results.len() + already_applied == sorted.len() && results.iter().all(|r| r.failure.is_none());
    let sweep = all_tested.then(|| full_sweep(db, &sorted, &schema, &run_options));
    let passed = all_tested && sweep.as_ref().is_none_or(|s| s.failure.is_none());
    TestReport { migrations: results, sweep, already_applied, passed }
}

/// `run`, each deploy boundary it stops at confirmed at once with
/// `complete`, as if every deploy went out straight away.
fn run_through(db: &mut dyn ScratchDatabase, migrations: &[Migration], options: &Options) -> Result<usize, RunError> {
    let mut count = 0;
    loop {
        let mut waits = false;
        count += runner::run(db, migrations, None, options, &mut |e| {
            waits |= matches!(e, runner::Event::Expanded { .. } | runner::Event::AwaitingComplete { .. });
        })?;
        if !waits {
            return Ok(count);
        }
        count += runner::complete(db, migrations, options, &mut |_| {})?;
    }
}

/// `rollback`, each deploy boundary it stops at confirmed at once.
fn rollback_through(
    db: &mut dyn ScratchDatabase,
    migrations: &[Migration],
    target: RollbackTarget,
    options: &Options,
) -> Result<usize, RunError> {
    let mut count = 0;
    loop {
        let mut waits = false;
        count += runner::rollback(db, migrations, target, options, &mut |e| {
            waits |= matches!(e, runner::Event::RollbackWaiting { .. });
        })?;
        if !waits {
            return Ok(count);
        }
        count += runner::complete(db, migrations, options, &mut |_| {})?;
        if matches!(target, RollbackTarget::Steps(_)) {
            return Ok(count);
        }
    }
}

/// The last check: every migration rolled back, newest first, down to
/// empty (or to the newest irreversible one), then all applied again.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Sweep {
    /// Migrations rolled back.
    pub rolled_back: usize,
    /// Migrations applied again.
    pub applied_again: usize,
    /// `None` when the schema came back; what went wrong otherwise.
    pub failure: Option<String>,
}

fn full_sweep(db: &mut dyn ScratchDatabase, sorted: &[Migration], end: &Schema, options: &Options) -> Sweep {
    let mut sweep = Sweep { rolled_back: 0, applied_again: 0, failure: None };
    let result = (|| -> Result<(), String> {
        sweep.rolled_back = match rollback_through(db, sorted, RollbackTarget::To(0), options) {
            Ok(n) => n,
            // Stopped at an irreversible migration: the rest stays applied.
            Err(RunError::Irreversible { .. }) => 0,
            Err(e) => return Err(format!("rolling everything back failed: {e}")),
        };
        sweep.applied_again =
            run_through(db, sorted, options).map_err(|e| format!("applying everything again failed: {e}"))?;
        expect_schema(db, end, "after rolling everything back and applying it again")
    })();
    sweep.failure = result.err();
    sweep
}

/// Each `set` of a backfill, checked on the rows it was meant to change:
/// after the migration, the column holds the value of its expression.
fn check_backfills(db: &mut dyn ScratchDatabase, m: &Migration) -> Result<(), String> {
    for (index, step) in m.steps.iter().enumerate() {
        let crate::model::Op::Backfill(b) = &step.op else { continue };
        for a in &b.assignments {
            // A later step of the same migration may change the column again.
            let rewritten = m.steps[index + 1..].iter().any(|later| match &later.op {
                crate::model::Op::Backfill(l) => l.table == b.table && l.written_columns().contains(&a.column.as_str()),
                crate::model::Op::Sql { .. } => true,
                other => other.table() == Some(b.table.as_str()) && !matches!(other, crate::model::Op::CreateIndex(_)),
            });
            // A value that differs at each evaluation cannot be compared.
            let volatile = match &a.value {
                crate::model::DefaultValue::Function(_) => true,
                crate::model::DefaultValue::Sql(sql) => {
                    let lower = sql.to_ascii_lowercase();
                    ["random", "now", "clock", "uuid", "nextval", "current_", "timeofday"]
                        .iter()
                        .any(|f| lower.contains(f))
                }
                _ => false,
            };
            if rewritten || volatile {
                continue;
            }
            let expr = db.dialect().value(&a.value);
            let predicate = b.predicate.as_ref().map(|p| format!(" AND ({p})")).unwrap_or_default();
            let column = dialect::ident(&a.column);
            let sql = format!(
                "SELECT {} FROM {} WHERE NOT ({column} IS NOT DISTINCT FROM ({expr})){predicate}",
                db.text_of("count(*)"),
                dialect::ident(&b.table)
            );
            let sql =
                if db.dialect() == dialect::Dialect::Sqlite { sql.replace("IS NOT DISTINCT FROM", "IS") } else { sql };
            let wrong = db.query_text(&sql)?.first().and_then(|r| r.first().cloned().flatten()).unwrap_or_default();
            if wrong != "0" {
                return Err(format!(
                    "its backfill left {wrong} row(s) of `{}` where `{}` is not `{expr}`",
                    b.table, a.column
                ));
            }
        }
    }
    Ok(())
}

fn check_duration(options: &TestOptions, took: Duration, what: &str) -> Result<(), String> {
    match options.max_duration {
        Some(max) if took > max => {
            Err(format!("it took {} ms {what}, more than --max-duration {} ms", took.as_millis(), max.as_millis()))
        }
        _ => Ok(()),
    }
}

fn expect_schema(db: &mut dyn ScratchDatabase, expected: &Schema, when: &str) -> Result<(), String> {
    let drift = db.drift(expected, &Default::default()).map_err(|e| format!("{e:?}"))?;
    match drift.first() {
        None => Ok(()),
        Some(first) => Err(format!("the schema {when} differs from what the migrations say: {first}")),
    }
}

fn check_fk_indexes(schema: &Schema) -> Result<(), String> {
    for t in schema.tables.values() {
        for c in &t.constraints {
            if let ConstraintKind::ForeignKey { columns, .. } = &c.kind
                && !crate::rules::fk_covered(schema, &t.name, columns)
            {
                return Err(format!("foreign key `{}` has no index on `{}({})`", c.name, t.name, columns.join(", ")));
            }
        }
    }
    Ok(())
}

fn touched_rows(db: &mut dyn ScratchDatabase, schema: &Schema, m: &Migration) -> u64 {
    let tables: std::collections::BTreeSet<&str> = m.steps.iter().filter_map(|s| s.op.table()).collect();
    tables.into_iter().filter(|t| schema.table(t).is_some()).filter_map(|t| db.count_rows(t, None).ok().flatten()).sum()
}

fn strong_locks(m: &Migration, schema: &Schema, db: &mut dyn ScratchDatabase, options: &Options) -> Vec<String> {
    let Ok(plan) = dialect::plan_up(db.dialect(), schema, m, options) else { return Vec::new() };
    let mut out = Vec::new();
    for s in plan.statements() {
        if let Some(lock) =
            s.lock.as_ref().filter(|l| l.contains("rewrites") || l.contains("scans") || l.contains("whole build"))
        {
            let table = m.steps.iter().filter_map(|st| st.op.table()).next().unwrap_or_default();
            let rows = db.count_rows(table, None).ok().flatten().unwrap_or(0);
            out.push(format!("{} — {lock}, {rows} rows", s.sql.lines().next().unwrap_or_default()));
        }
    }
    out
}

/// Per table: row count, and per column a hash of its values in key order.
type Snapshot = BTreeMap<String, (u64, BTreeMap<String, u64>)>;

fn snapshot(db: &mut dyn ScratchDatabase, schema: &Schema) -> Result<Snapshot, String> {
    let mut out = Snapshot::new();
    for t in schema.tables.values() {
        let order =
            t.primary_key().map(|k| k.to_vec()).unwrap_or_else(|| t.columns.iter().map(|c| c.name.clone()).collect());
        let columns: Vec<String> = t.columns.iter().map(|c| db.text_of(&dialect::ident(&c.name))).collect();
        let sql = format!(
            "SELECT {} FROM {} ORDER BY {}",
            columns.join(", "),
            dialect::ident(&t.name),
            dialect::ident_list(&order)
        );
        let rows = db.query_text(&sql)?;
        let mut hashes = BTreeMap::new();
        for (i, c) in t.columns.iter().enumerate() {
            let h = rows.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, row| {
                let text = row.get(i).cloned().flatten().unwrap_or_else(|| "\u{0}NULL".into());
                text.bytes().chain([0xff]).fold(h, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
            });
            hashes.insert(c.name.clone(), h);
        }
        out.insert(t.name.clone(), (rows.len() as u64, hashes));
    }
    Ok(out)
}

/// The (table, column) pairs whose values a migration sets on purpose.
fn written_columns(m: &Migration) -> Vec<(String, String)> {
    m.steps
        .iter()
        .filter_map(|s| match &s.op {
            crate::model::Op::Backfill(b) => {
                Some(b.written_columns().into_iter().map(|c| (b.table.clone(), c.to_owned())).collect::<Vec<_>>())
            }
            _ => None,
        })
        .flatten()
        .collect()
}

/// After up then down, every table and column that existed before must
/// hold the rows and values it held before, but for the columns the
/// migration sets on purpose.
fn compare_data(before: &Snapshot, after: &Snapshot, written: &[(String, String)]) -> Result<(), String> {
    for (table, (count, columns)) in before {
        let Some((now, now_columns)) = after.get(table) else {
            return Err(format!("its rollback lost table `{table}`"));
        };
        if now != count {
            return Err(format!("its rollback lost rows of `{table}`: {count} before, {now} after"));
        }
        for (column, hash) in columns {
            let on_purpose = written.iter().any(|(t, c)| t == table && c == column);
            if !on_purpose && now_columns.get(column) != Some(hash) {
                return Err(format!(
                    "its rollback lost data: `{table}.{column}` does not hold the values it had before the migration"
                ));
            }
        }
    }
    Ok(())
}

/// Fills each table not filled yet with `rows` generated rows, parents
/// before children, honouring types, nullability, uniqueness and foreign keys.
fn fill(
    db: &mut dyn ScratchDatabase,
    schema: &Schema,
    filled: &mut std::collections::BTreeSet<String>,
    rows: u64,
    rng: &mut u64,
) -> Result<(), String> {
    let mut order: Vec<&Table> = Vec::new();
    let mut pending: Vec<&Table> = schema.tables.values().filter(|t| !filled.contains(&t.name)).collect();
    while !pending.is_empty() {
        let before = pending.len();
        pending.retain(|t| {
            let ready = t.constraints.iter().all(|c| match &c.kind {
                ConstraintKind::ForeignKey { ref_table, .. } => {
                    ref_table == &t.name || filled.contains(ref_table) || order.iter().any(|o| &o.name == ref_table)
                }
                _ => true,
            });
            if ready {
                order.push(t);
            }
            !ready
        });
        if pending.len() == before {
            order.append(&mut pending); // a cycle: fill in any order, nullable keys stay NULL
        }
    }
    for table in order {
        insert_rows(db, table, &schema.enums, rows, rng)?;
        filled.insert(table.name.clone());
    }
    Ok(())
}

fn insert_rows(
    db: &mut dyn ScratchDatabase,
    t: &Table,
    enums: &BTreeMap<String, Vec<String>>,
    rows: u64,
    rng: &mut u64,
) -> Result<(), String> {
    let unique: std::collections::BTreeSet<&str> = t
        .constraints
        .iter()
        .filter_map(|c| match &c.kind {
            ConstraintKind::PrimaryKey { columns } | ConstraintKind::Unique { columns } => {
                Some(columns.iter().map(String::as_str))
            }
            _ => None,
        })
        .flatten()
        .collect();
    let mut parents: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for c in &t.constraints {
        if let ConstraintKind::ForeignKey { columns, ref_table, ref_columns, .. } = &c.kind
            && let (Some(col), Some(rcol)) = (columns.first(), ref_columns.first())
        {
            let sql =
                format!("SELECT {} FROM {} LIMIT 1000", db.text_of(&dialect::ident(rcol)), dialect::ident(ref_table));
            let keys: Vec<String> =
                db.query_text(&sql)?.into_iter().filter_map(|r| r.into_iter().next().flatten()).collect();
            parents.insert(col.as_str(), keys);
        }
    }
    let columns: Vec<&Column> = t.columns.iter().filter(|c| !c.identity && c.generated.is_none()).collect();
    if columns.is_empty() {
        return Ok(());
    }
    let names = dialect::ident_list(&columns.iter().map(|c| c.name.clone()).collect::<Vec<_>>());
    for chunk in (0..rows).collect::<Vec<_>>().chunks(500) {
        let values: Vec<String> = chunk
            .iter()
            .map(|&i| {
                let cells: Vec<String> = columns
                    .iter()
                    .map(|c| match parents.get(c.name.as_str()) {
                        Some(keys) if keys.is_empty() => "NULL".to_owned(),
                        Some(keys) => dialect::literal(&keys[(next(rng) % keys.len() as u64) as usize]),
                        None => match c.ty {
                            ColumnType::Bytes => db.bytes_literal(&format!("{:016x}", i + 1)),
                            _ => value(c, enums, i, unique.contains(c.name.as_str()), rng),
                        },
                    })
                    .collect();
                format!("({})", cells.join(", "))
            })
            .collect();
        let sql = format!("INSERT INTO {} ({names}) VALUES {}", dialect::ident(&t.name), values.join(", "));
        if db.execute(&sql).is_err() {
            // A check the generator does not know: keep the rows that pass.
            for v in &values {
                let _ = db.execute(&format!("INSERT INTO {} ({names}) VALUES {v}", dialect::ident(&t.name)));
            }
        }
    }
    Ok(())
}

fn next(rng: &mut u64) -> u64 {
    *rng ^= *rng << 13;
    *rng ^= *rng >> 7;
    *rng ^= *rng << 17;
    *rng
}

/// A value for row `i` of a column: distinct per row where the column is
/// unique, NULL for one row in ten where it is nullable.
fn value(c: &Column, enums: &BTreeMap<String, Vec<String>>, i: u64, unique: bool, rng: &mut u64) -> String {
    if c.nullable && !unique && next(rng).is_multiple_of(10) {
        return "NULL".into();
    }
    let n = i + 1;
    let text = |s: String| dialect::literal(&s);
    match c.ty.clone() {
        ColumnType::Bool => if n.is_multiple_of(2) { "TRUE" } else { "FALSE" }.into(),
        ColumnType::I16 => (n % 30_000).to_string(),
        ColumnType::I32 | ColumnType::I64 => n.to_string(),
        ColumnType::F32 | ColumnType::F64 => format!("{n}.5"),
        ColumnType::Decimal { precision, scale } => {
            let max = 10u64.saturating_pow(precision.saturating_sub(scale)).max(1);
            format!("{}.{}", n % max, "0".repeat(scale as usize))
        }
        ColumnType::Text => text(format!("{} {n}", c.name)),
        ColumnType::Varchar(len) => {
            let s = format!("{n} {}", c.name);
            text(s.chars().take(len as usize).collect())
        }
        ColumnType::Bytes => "NULL".into(), // written by the database's own literal form
        ColumnType::Date => text(format!("20{:02}-{:02}-{:02}", 10 + n % 20, 1 + n % 12, 1 + n % 28)),
        ColumnType::Time => text(format!("{:02}:{:02}:{:02}", n % 24, n % 60, (n / 60) % 60)),
        ColumnType::Timestamp => {
            text(format!("2024-{:02}-{:02} {:02}:{:02}:00", 1 + n % 12, 1 + n % 28, n % 24, n % 60))
        }
        ColumnType::TimestampTz => {
            text(format!("2024-{:02}-{:02} {:02}:{:02}:00+00", 1 + n % 12, 1 + n % 28, n % 24, n % 60))
        }
        ColumnType::Uuid => text(format!("00000000-0000-4000-8000-{n:012x}")),
        ColumnType::Json => text(format!("{{\"n\": {n}}}")),
        ColumnType::Citext => text(format!("{} {n}", c.name)),
        // The empty array, in the text form PostgreSQL reads for any array.
        ColumnType::Array(_) => text("{}".to_owned()),
        ColumnType::Enum(name) => match enums.get(&name) {
            Some(values) if !values.is_empty() => text(values[(n % values.len() as u64) as usize].clone()),
            _ => "NULL".into(),
        },
        // A type known only by its SQL name: the database converts the text.
        ColumnType::Sql(_) => text(n.to_string()),
    }
}

/// The report as lines for people.
pub fn summary(report: &TestReport) -> String {
    let mut out = String::new();
    let ms = |v: Option<u64>| v.map_or("-".to_owned(), |v| format!("{v} ms"));
    for r in &report.migrations {
        let verdict = match &r.failure {
            None => "ok".to_owned(),
            Some(f) => format!("FAILED: {f}"),
        };
        out.push_str(&format!(
            "  {:<45} up {:>8}  down {:>8}  up {:>8}  {:>6} rows  {verdict}\n",
            r.id,
            format!("{} ms", r.up_ms),
            ms(r.down_ms),
            ms(r.again_ms),
            r.rows
        ));
        for l in &r.strong_locks {
            out.push_str(&format!("      strong lock: {l}\n"));
        }
    }
    out
}

/// The sweep's line for people.
pub fn sweep_line(report: &TestReport) -> Option<String> {
    report.sweep.as_ref().map(|s| match &s.failure {
        None => format!(
            "  all rolled back ({}) and applied again ({}): the schema is the one the migrations describe",
            s.rolled_back, s.applied_again
        ),
        Some(f) => format!("  FAILED: {f}"),
    })
}

/// The report as JUnit XML, one test case per migration.
pub fn junit(report: &TestReport) -> String {
    let escape = |s: &str| s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;");
    let failures = report.migrations.iter().filter(|r| r.failure.is_some()).count();
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuite name=\"schemaflow\" tests=\"{}\" failures=\"{failures}\">\n",
        report.migrations.len()
    );
    for r in &report.migrations {
        let seconds = (r.up_ms + r.down_ms.unwrap_or(0) + r.again_ms.unwrap_or(0)) as f64 / 1000.0;
        out.push_str(&format!("  <testcase classname=\"migrations\" name=\"{}\" time=\"{seconds:.3}\"", escape(&r.id)));
        match &r.failure {
            None => out.push_str("/>\n"),
            Some(f) => out.push_str(&format!(">\n    <failure message=\"{}\"/>\n  </testcase>\n", escape(f))),
        }
    }
    out.push_str("</testsuite>\n");
    out
}
