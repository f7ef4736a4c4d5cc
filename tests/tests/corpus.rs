//! Real migrations from public projects' histories, checked in verbatim as
//! raw `sql` (see `corpus/SOURCES.md`), each with the verdict an expert on
//! its database gives it for a large live table: the rule codes that reject
//! it, or that it compiles, and the advice it draws.
//!
//! Every file goes through [`schemaflow_core::dsl::check_migration`], the
//! function the `migration!` macro calls, in version order so each is
//! checked against the schema its predecessors built.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use proc_macro2::TokenStream;
use schemaflow_core::config::Targets;
use schemaflow_core::dialect;
use schemaflow_core::dsl::{self, Invocation};
use schemaflow_core::files;
use schemaflow_core::raw_sql::Flavor;

/// What a file's `// expect:` line says, or what the check found.
#[derive(Debug, PartialEq, Eq)]
struct Verdict {
    rejected: BTreeSet<String>,
    advice: BTreeSet<String>,
}

impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let list = |codes: &BTreeSet<String>| codes.iter().cloned().collect::<Vec<_>>().join(" ");
        if self.rejected.is_empty() {
            write!(f, "compiles")?;
        } else {
            write!(f, "rejected {}", list(&self.rejected))?;
        }
        if !self.advice.is_empty() {
            write!(f, "; advice {}", list(&self.advice))?;
        }
        Ok(())
    }
}

/// Reads `compiles` or `rejected SF013 SF015`, optionally followed by
/// `; advice SF021`.
fn expected(line: &str) -> Verdict {
    let (main, advice) = line.split_once(';').unwrap_or((line, ""));
    let mut words = main.split_whitespace();
    let rejected: BTreeSet<String> = match words.next() {
        Some("compiles") => BTreeSet::new(),
        Some("rejected") => words.map(str::to_owned).collect(),
        other => panic!("`// expect:` must say `compiles` or `rejected CODE…`, not {other:?}"),
    };
    let advice = advice.trim();
    let advice = match advice.strip_prefix("advice") {
        Some(codes) => codes.split_whitespace().map(str::to_owned).collect(),
        None if advice.is_empty() => BTreeSet::new(),
        None => panic!("after `;` comes `advice CODE…`, not {advice:?}"),
    };
    Verdict { rejected, advice }
}

/// The rule code of each diagnostic; a text without one (e.g. "this
/// migration was not checked against the earlier ones") counts as `unchecked`.
fn codes<'a>(texts: impl Iterator<Item = &'a str>) -> BTreeSet<String> {
    texts
        .map(|t| match t.strip_prefix('[').and_then(|t| t.split_whitespace().next()) {
            Some(code) => code.to_owned(),
            None => "unchecked".to_owned(),
        })
        .collect()
}

fn check(file: &Path, targets: &Targets) -> Verdict {
    let text = std::fs::read_to_string(file).expect("reads the corpus file");
    let tokens = TokenStream::from_str(&text).expect("the corpus file lexes");
    let body = dsl::find_migration_body(tokens).expect("the corpus file holds `migration!`");
    let invocation = Invocation { file: Some(file.to_path_buf()), targets: targets.clone() };
    match dsl::check_migration(body, &invocation) {
        Ok(checked) => {
            Verdict { rejected: BTreeSet::new(), advice: codes(checked.warnings.iter().map(|(_, text)| text.as_str())) }
        }
        Err(errors) => {
            let messages: Vec<String> = errors.into_iter().map(|e| e.to_string()).collect();
            Verdict { rejected: codes(messages.iter().map(String::as_str)), advice: BTreeSet::new() }
        }
    }
}

fn corpus(project: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus").join(project).join("migrations");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("reads the corpus directory")
        .map(|e| e.expect("reads a directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .collect();
    files.sort();
    files
}

/// The databases a project's corpus targets, from its `Cargo.toml`.
fn targets_of(project: &str) -> Targets {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus").join(project).join("Cargo.toml");
    let text = std::fs::read_to_string(manifest).expect("reads the corpus manifest");
    Targets::from_cargo_toml(&text).expect("the corpus manifest names its databases")
}

/// Checks every file of a project's corpus in order and returns one line per
/// file whose verdict differs from its `// expect:` line.
fn mismatches(project: &str) -> (usize, Vec<String>) {
    let targets = targets_of(project);
    let files = corpus(project);
    let mut wrong = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).expect("reads the corpus file");
        let line = text
            .lines()
            .find_map(|l| l.strip_prefix("// expect:"))
            .unwrap_or_else(|| panic!("{} has no `// expect:` line", file.display()));
        let want = expected(line.trim());
        let got = check(file, &targets);
        if got != want {
            let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            wrong.push(format!("{name}: expected {want}, got {got}"));
        }
    }
    (files.len(), wrong)
}

#[test]
fn real_migrations_get_the_verdict_an_expert_gives() {
    let mut total = 0;
    let mut wrong = Vec::new();
    for project in ["vaultwarden", "vaultwarden-sqlite", "lemmy"] {
        let (count, mismatched) = mismatches(project);
        total += count;
        wrong.extend(mismatched.into_iter().map(|m| format!("{project}/{m}")));
    }
    assert!(total >= 40, "the corpus holds {total} migrations");
    assert!(wrong.is_empty(), "{} of {total} verdicts differ:\n{}", wrong.len(), wrong.join("\n"));
}

/// The locks a plan announces, one entry per lock (a raw statement that
/// does several things lists each of their locks).
fn locks(plan: &dialect::Plan) -> BTreeSet<String> {
    plan.statements().filter_map(|s| s.lock.as_deref()).flat_map(|l| l.split("; ")).map(str::to_owned).collect()
}

/// How many statements run outside a transaction, and in how many
/// transactions the others run.
fn placement(plan: &dialect::Plan) -> (usize, usize) {
    let outside = plan.phases.iter().filter(|p| matches!(p, dialect::Phase::Outside(_))).count();
    let transactions = plan.phases.iter().filter(|p| matches!(p, dialect::Phase::Transaction(_))).count();
    (outside, transactions)
}

#[test]
fn the_dry_run_of_real_raw_sql_shows_the_locks_the_dsl_ops_would() {
    let options = dialect::Options::default();
    let mut checked = 0;
    for project in ["vaultwarden", "lemmy"] {
        for file in corpus(project) {
            let text = std::fs::read_to_string(&file).expect("reads the corpus file");
            let body = dsl::find_migration_body(TokenStream::from_str(&text).expect("lexes")).expect("has migration!");
            let stem = file.file_stem().and_then(|s| s.to_str()).expect("a file name");
            let (version, name) = files::parse_file_stem(stem).expect("a migration file name");
            let raw = dsl::parse_migration_for(body, version, &name, Flavor::Postgres).expect("parses").migration;
            let dsl::History::Known(before) = dsl::schema_before(&file, version, None) else {
                panic!("{stem}: the earlier corpus files replay")
            };
            // The same ops written in the DSL: no raw text.
            let mut ops = raw.clone();
            ops.steps.iter_mut().for_each(|s| s.raw = None);
            let raw_plan = dialect::plan_up(dialect::Dialect::Postgres, &before, &raw, &options).expect("plans");
            let dsl_plan = dialect::plan_up(dialect::Dialect::Postgres, &before, &ops, &options).expect("plans");
            assert_eq!(locks(&raw_plan), locks(&dsl_plan), "{project}/{stem}: lock lines differ");
            assert_eq!(placement(&raw_plan), placement(&dsl_plan), "{project}/{stem}: placement differs");
            let altered_existing = raw.steps.iter().any(|s| {
                !matches!(s.op, schemaflow_core::Op::Sql(_) | schemaflow_core::Op::CreateTable(_))
                    && s.op.table().is_some_and(|t| before.tables.contains_key(t))
            });
            if altered_existing {
                assert!(!locks(&raw_plan).is_empty(), "{project}/{stem} changes an existing table and shows no lock");
                checked += 1;
            }
        }
    }
    assert!(checked >= 20, "only {checked} corpus migrations change an existing table");
}

/// The SQL of a raw string literal after `prefix` in `text` (`sql r###"…"###`).
fn literal_after(text: &str, prefix: &str) -> Option<String> {
    let start = text.find(prefix)? + prefix.len();
    let end = text[start..].find("\"###")?;
    Some(text[start..start + end].to_owned())
}

/// A project's corpus as the diesel directory it came from: each file's
/// first line names its directory, its `sql` literal is `up.sql`, its
/// `down` literal `down.sql`.
fn diesel_directory(project: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("schemaflow-corpus-{project}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for file in corpus(project) {
        let text = std::fs::read_to_string(&file).expect("reads the corpus file");
        let first = text.lines().next().expect("a first line");
        let origin = first.trim_start_matches("// ").split('/').rev().nth(1).expect("names its directory");
        let migration = dir.join(origin);
        std::fs::create_dir_all(&migration).expect("creates the migration directory");
        let up = literal_after(&text, "sql r###\"").expect("an up literal");
        std::fs::write(migration.join("up.sql"), up).expect("writes up.sql");
        if let Some(down) = literal_after(&text, "down r###\"") {
            std::fs::write(migration.join("down.sql"), down).expect("writes down.sql");
        }
    }
    dir
}

/// `cargo schemaflow import` of the projects' diesel directories gives the
/// corpus's files (same versions, same SQL), and the rules reject the same
/// ones; the imported lemmy history applies on PostgreSQL and rolls back.
#[test]
fn importing_the_real_diesel_directories_gives_files_that_compile_or_are_rejected_as_expected() {
    use schemaflow_core::import;
    let mut lemmy = Vec::new();
    // vaultwarden keeps one directory per database; MySQL is not one of
    // schemaflow's.
    for project in ["vaultwarden", "vaultwarden-sqlite", "lemmy"] {
        let targets = targets_of(project);
        let source = diesel_directory(project);
        let (tool, migrations) = import::read_dir(&source).expect("reads the diesel directory");
        assert_eq!(tool, import::Tool::Diesel);
        let files = import::convert(tool, &migrations, &targets);
        let checked_in = corpus(project);
        assert_eq!(files.len(), checked_in.len(), "{project}");
        // The crate the files land in targets the corpus's databases.
        let into = std::env::temp_dir().join(format!("schemaflow-imported-{project}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&into);
        std::fs::create_dir_all(into.join("migrations")).expect("creates the crate");
        let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus").join(project).join("Cargo.toml");
        std::fs::copy(manifest, into.join("Cargo.toml")).expect("copies the manifest");
        for f in &files {
            std::fs::write(into.join("migrations").join(&f.file_name), &f.text).expect("writes the file");
        }
        let verdicts = import::verdicts(&into.join("migrations"), &files, &targets);
        for ((f, verdict), corpus_file) in files.iter().zip(&verdicts).zip(&checked_in) {
            let name = corpus_file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            assert_eq!(f.file_name, name, "{project}: the version keeps its minute");
            let text = std::fs::read_to_string(corpus_file).expect("reads the corpus file");
            let line = text.lines().find_map(|l| l.strip_prefix("// expect:")).expect("an expect line");
            let want = expected(line.trim()).rejected;
            assert!(!matches!(verdict, import::Verdict::Unchecked(_)), "{project}/{name}: {verdict:?}");
            let got = codes(verdict.errors().iter().map(String::as_str));
            assert_eq!(got, want, "{project}/{name}: the import's verdict");
        }
        let imported: Vec<_> =
            files.iter().map(|f| dsl::load(&into.join("migrations").join(&f.file_name)).expect("loads")).collect();
        built_by_the_original_sql_matches(project, &targets, &imported);
        if project == "lemmy" {
            lemmy = imported;
        }
        let _ = std::fs::remove_dir_all(&source);
    }

    // The imported lemmy history on PostgreSQL: forward, then all the way back.
    let Some(db) = schemaflow_core::runner::test_database::TestDatabase::create("corpus_lemmy") else { return };
    let mut backend = schemaflow_core::runner::postgres::PostgresBackend::connect(&db.url, "public").expect("connects");
    let options = dialect::Options::default();
    let runner = schemaflow_core::runner::run(&mut backend, &lemmy, None, &options, &mut |_| {});
    assert_eq!(runner.expect("the lemmy history applies"), lemmy.len());
    let back = schemaflow_core::runner::RollbackTarget::To(0);
    let rolled = schemaflow_core::runner::rollback(&mut backend, &lemmy, back, &options, &mut |_| {});
    assert_eq!(rolled.expect("and rolls back"), lemmy.len());
    let left: i64 = db
        .connect()
        .query_one(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename NOT LIKE 'schemaflow%'",
            &[],
        )
        .expect("counts the tables")
        .get(0);
    assert_eq!(left, 0, "every table the history created is gone");
}

/// A database the project's own SQL built (the corpus files, raw, as they
/// ran before) is the database the imported files describe: applied under
/// the same versions, `status` finds no drift, so nothing the DSL steps say
/// differs from what the SQL did. On PostgreSQL, or on a SQLite file for a
/// project written for SQLite (hand-written table rebuilds, keys written
/// before their table and all).
fn built_by_the_original_sql_matches(project: &str, targets: &Targets, imported: &[schemaflow_core::model::Migration]) {
    use schemaflow_core::runner::{
        Backend, postgres::PostgresBackend, sqlite::SqliteBackend, test_database::TestDatabase,
    };
    let file = std::env::temp_dir().join(format!("schemaflow-corpus-{project}-{}.db", std::process::id()));
    let _ = std::fs::remove_file(&file);
    let server;
    let mut backend: Box<dyn Backend> = if targets.postgres {
        let Some(db) = TestDatabase::create(&format!("corpus_original_{project}")) else { return };
        let backend = PostgresBackend::connect(&db.url, "public").expect("connects");
        server = Some(db);
        Box::new(backend)
    } else {
        server = None;
        Box::new(SqliteBackend::open(&file).expect("opens the database file"))
    };
    let original: Vec<_> = corpus(project).iter().map(|f| dsl::load(f).expect("loads")).collect();
    let options = dialect::Options::default();
    let applied = schemaflow_core::runner::run(backend.as_mut(), &original, None, &options, &mut |_| {});
    assert_eq!(applied.expect("the original SQL applies"), original.len(), "{project}");
    let status = schemaflow_core::runner::status(backend.as_mut(), imported).expect("status");
    assert!(status.drift.is_empty(), "{project}: the imported files describe another database: {:?}", status.drift);
    drop((backend, server));
    let _ = std::fs::remove_file(&file);
}

/// A project's history with its DSL ports (`ports/<project>/`) in place of
/// the raw files they port: the corpus crate copied to a scratch directory,
/// each port over the file of the same name. Returns the directory's
/// migration files and the ports among them.
fn ported_history(project: &str) -> (PathBuf, Vec<PathBuf>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = std::env::temp_dir().join(format!("schemaflow-ported-{project}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("migrations")).expect("creates the crate");
    std::fs::copy(root.join("corpus").join(project).join("Cargo.toml"), dir.join("Cargo.toml")).expect("copies");
    for file in corpus(project) {
        let name = file.file_name().expect("a file name");
        std::fs::copy(&file, dir.join("migrations").join(name)).expect("copies a corpus file");
    }
    let mut ports = Vec::new();
    for entry in std::fs::read_dir(root.join("ports").join(project)).expect("reads the ports") {
        let port = entry.expect("reads a directory entry").path();
        let name = port.file_name().expect("a file name").to_owned();
        assert!(dir.join("migrations").join(&name).exists(), "{}: no corpus file of that name", port.display());
        std::fs::copy(&port, dir.join("migrations").join(&name)).expect("copies a port");
        ports.push(dir.join("migrations").join(name));
    }
    ports.sort();
    (dir, ports)
}

/// The schema a migration file leaves: the history before it replayed,
/// then its own steps.
fn schema_after(file: &Path) -> schemaflow_core::schema::Schema {
    let text = std::fs::read_to_string(file).expect("reads the file");
    let body = dsl::find_migration_body(TokenStream::from_str(&text).expect("lexes")).expect("has migration!");
    let stem = file.file_stem().and_then(|s| s.to_str()).expect("a file name");
    let (version, name) = files::parse_file_stem(stem).expect("a migration file name");
    let migration = dsl::parse_migration_for(body, version, &name, Flavor::Postgres).expect("parses").migration;
    let dsl::History::Known(mut schema) = dsl::schema_before(file, version, None) else {
        panic!("{stem}: the files before it replay")
    };
    for step in &migration.steps {
        schema.apply(&step.op).unwrap_or_else(|e| panic!("{stem}: {}", e.message));
    }
    schema
}

/// Real migrations written in the DSL instead of raw SQL: each gets the
/// verdict in its `// expect:` line, and builds exactly the tables,
/// columns, constraints and indexes the raw original builds. The ported
/// history applies on PostgreSQL without drift and rolls back.
#[test]
fn dsl_ports_of_real_migrations_get_their_verdict_and_build_what_the_sql_built() {
    let mut total = 0;
    for project in ["vaultwarden", "lemmy"] {
        total += check_ports(project);
    }
    assert!(total >= 30, "only {total} ports");
}

/// Checks the ports of one project (see the test above); returns how many
/// there are.
fn check_ports(project: &str) -> usize {
    let targets = Targets { sqlite: false, postgres: true, ..Targets::default() };
    let (dir, ports) = ported_history(project);
    let mut wrong = Vec::new();
    for port in &ports {
        let name = port.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let text = std::fs::read_to_string(port).expect("reads the port");
        assert!(!text.contains("sql r") && !text.contains("sql \""), "{name}: a port is written in the DSL");
        let line = text.lines().find_map(|l| l.strip_prefix("// expect:")).expect("an expect line");
        let want = expected(line.trim());
        let got = check(port, &targets);
        if got != want {
            wrong.push(format!("{name}: expected {want}, got {got}"));
        }
        let original =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus").join(project).join("migrations").join(&name);
        let (ported, raw) = (schema_after(port), schema_after(&original));
        // Constraints compare by name: their order in the table is not the schema's.
        let tables = |s: &schemaflow_core::schema::Schema| {
            let mut tables = s.tables.clone();
            tables.values_mut().for_each(|t| t.constraints.sort_by(|a, b| a.name.cmp(&b.name)));
            tables
        };
        let (ported_tables, raw_tables) = (tables(&ported), tables(&raw));
        for (table, raw_table) in &raw_tables {
            assert_eq!(ported_tables.get(table), Some(raw_table), "{name}: the port builds `{table}` otherwise");
        }
        assert_eq!(ported_tables.len(), raw_tables.len(), "{name}: the port builds other tables than the SQL");
        assert_eq!(ported.indexes, raw.indexes, "{name}: the port builds other indexes than the SQL");
    }
    assert!(wrong.is_empty(), "{} of {} verdicts differ:\n{}", wrong.len(), ports.len(), wrong.join("\n"));

    // The ported history on PostgreSQL: forward, no drift, all the way back.
    let mut history: Vec<PathBuf> = std::fs::read_dir(dir.join("migrations"))
        .expect("reads the history")
        .map(|e| e.expect("reads a directory entry").path())
        .collect();
    history.sort();
    let migrations: Vec<_> = history.iter().map(|f| dsl::load(f).expect("loads")).collect();
    let _ = std::fs::remove_dir_all(&dir);
    let Some(db) = schemaflow_core::runner::test_database::TestDatabase::create(&format!("ported_{project}")) else {
        return ports.len();
    };
    let mut backend = schemaflow_core::runner::postgres::PostgresBackend::connect(&db.url, "public").expect("connects");
    let options = dialect::Options::default();
    let applied = schemaflow_core::runner::run(&mut backend, &migrations, None, &options, &mut |_| {});
    assert_eq!(applied.expect("the ported history applies"), migrations.len());
    let status = schemaflow_core::runner::status(&mut backend, &migrations).expect("reads the status");
    assert!(status.drift.is_empty(), "{:?}", status.drift);
    let back = schemaflow_core::runner::RollbackTarget::To(0);
    let rolled = schemaflow_core::runner::rollback(&mut backend, &migrations, back, &options, &mut |_| {});
    assert_eq!(rolled.expect("and rolls back"), migrations.len(), "{project}");
    ports.len()
}
