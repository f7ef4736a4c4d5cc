//! Compile-time cost of the `migration!` checks on a long history.
//!
//! Generates 500 migrations of mixed operations, then measures, in this
//! one run:
//! 1. the 500th migration checked cold (parse the 499 earlier files, replay
//!    them, run the rules), as an editor expanding one macro does;
//! 2. all 500 checked in version order in one process, as one `cargo build`
//!    does (the history cache makes this linear, not quadratic);
//! 3. the same 500 checked with the cache cleared before each, the
//!    quadratic cost the cache avoids, as the reference for (2);
//! 4. `cargo build` of a crate embedding the 500 migrations: from clean
//!    (dependencies already built) and after touching one file.
//!
//! Run: `cargo bench -p schemaflow-tests --bench compile_time`. Figures go
//! to `docs/benchmarks/compile-time.md`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::str::FromStr;
use std::time::{Duration, Instant};

use schemaflow_core::Targets;
use schemaflow_core::dsl::{self, Invocation};

const COUNT: usize = 500;

/// A history of `count` valid migrations: tables with foreign keys and
/// their indexes, nullable and defaulted columns, concurrent indexes,
/// backfills, acknowledged renames and widening type changes.
fn generate(dir: &Path, count: usize) -> Vec<PathBuf> {
    std::fs::create_dir_all(dir).unwrap();
    let mut tables: Vec<(String, Vec<String>)> = Vec::new();
    let mut paths = Vec::new();
    for n in 0..count {
        let version = 202401010000u64 + (n as u64 / 60) * 100 + (n as u64 % 60);
        let body = if tables.is_empty() || n % 10 == 0 {
            let name = format!("t{n}");
            let parent = tables.last().map(|(t, _)| t.clone());
            let mut cols = vec![
                "id: i64 primary_key identity".to_owned(),
                "label: Varchar<40>".into(),
                "note: Option<String>".into(),
                "created_at: TimestampTz = now()".into(),
            ];
            let mut extra = String::new();
            if let Some(p) = &parent {
                cols.push(format!("{p}_id: Option<i64> references {p}(id) on_delete set_null"));
                extra = format!("create_index on {name}({p}_id);");
            }
            tables.push((name.clone(), vec!["label".into(), "note".into()]));
            format!("create_table {name} {{ {} }} {extra}", cols.join(", "))
        } else {
            let (table, columns) = {
                let i = (n * 7) % tables.len();
                (tables[i].0.clone(), &mut tables[i].1)
            };
            match n % 6 {
                0 => {
                    columns.push(format!("c{n}"));
                    format!("alter_table {table} {{ add_column c{n}: Option<i64> }}")
                }
                1 => {
                    columns.push(format!("d{n}"));
                    format!("alter_table {table} {{ add_column d{n}: bool = false }}")
                }
                2 => format!("create_index i{n} on {table}(label) concurrently"),
                3 => {
                    columns.push(format!("b{n}"));
                    format!(
                        "alter_table {table} {{ add_column b{n}: Option<i32> }} backfill {table} set b{n} = 0 where \"b{n} IS NULL\" batch 1000;"
                    )
                }
                4 => {
                    let from = columns.remove(columns.len() - 1);
                    let to = format!("r{n}");
                    columns.push(to.clone());
                    format!(
                        "#[allow(rename_column, \"the code reads both names\")] alter_table {table} {{ rename_column {from} -> {to} }}"
                    )
                }
                _ => format!("alter_table {table} {{ set_default label = \"v{n}\" }}"),
            }
        };
        let path = dir.join(format!("{version}_m{n}.rs"));
        std::fs::write(&path, format!("schemaflow::migration! {{\n    {body}\n}}\n")).unwrap();
        paths.push(path);
    }
    paths
}

fn check(path: &Path) {
    let text = std::fs::read_to_string(path).unwrap();
    let body = dsl::find_migration_body(proc_macro2::TokenStream::from_str(&text).unwrap()).unwrap();
    let invocation = Invocation { file: Some(path.to_path_buf()), targets: Targets::default() };
    if let Err(e) = dsl::check_migration(body, &invocation) {
        panic!("generated migration {} does not check: {e}", path.display());
    }
}

fn time(f: impl FnOnce()) -> Duration {
    let start = Instant::now();
    f();
    start.elapsed()
}

fn median(mut runs: Vec<Duration>) -> Duration {
    runs.sort();
    runs[runs.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn cargo_build(crate_dir: &Path, target: &Path) -> Duration {
    let start = Instant::now();
    let status = Command::new(env!("CARGO"))
        .args(["build", "--quiet", "--manifest-path"])
        .arg(crate_dir.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", target)
        .status()
        .expect("cargo runs");
    assert!(status.success(), "the generated crate builds");
    start.elapsed()
}

fn main() {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf();
    let root = workspace.join("target/schemaflow-bench/compile-time");
    let _ = std::fs::remove_dir_all(&root);
    let crate_dir = root.join("many");
    let paths = generate(&crate_dir.join("migrations"), COUNT);
    let last = paths.last().unwrap().clone();

    // 1. The 500th, cold, five times.
    let cold = median(
        (0..5)
            .map(|_| {
                dsl::clear_cache();
                time(|| check(&last))
            })
            .collect(),
    );

    // 2. All 500 in order, in one process (the cache warm from file to file).
    let all = median(
        (0..3)
            .map(|_| {
                dsl::clear_cache();
                time(|| paths.iter().for_each(|p| check(p)))
            })
            .collect(),
    );

    // 3. All 500, each cold: what the work would be without the cache.
    let uncached = time(|| {
        for p in &paths {
            dsl::clear_cache();
            check(p);
        }
    });

    // 4. cargo build of a crate embedding the 500 migrations.
    std::fs::write(
        crate_dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"many\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n[dependencies]\nschemaflow = {{ path = {:?} }}\n\n[workspace]\n",
            workspace.join("schemaflow")
        ),
    )
    .unwrap();
    std::fs::write(crate_dir.join("build.rs"), "fn main() { println!(\"cargo:rerun-if-changed=migrations\"); }\n")
        .unwrap();
    std::fs::create_dir_all(crate_dir.join("src")).unwrap();
    std::fs::write(crate_dir.join("src/lib.rs"), "schemaflow::embed_migrations!();\n").unwrap();
    let target = root.join("target");
    let deps = cargo_build(&crate_dir, &target); // dependencies and the crate
    let clean_status = Command::new(env!("CARGO"))
        .args(["clean", "--quiet", "-p", "many", "--manifest-path"])
        .arg(crate_dir.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", &target)
        .status()
        .unwrap();
    assert!(clean_status.success());
    let from_clean = cargo_build(&crate_dir, &target);
    let middle = &paths[COUNT / 2];
    let text = std::fs::read_to_string(middle).unwrap();
    std::fs::write(middle, format!("{text}// touched\n")).unwrap();
    let touched = cargo_build(&crate_dir, &target);
    let noop = cargo_build(&crate_dir, &target);

    let machine = format!(
        "{} cores, {}",
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0),
        std::env::consts::ARCH
    );
    let mut report = String::new();
    writeln!(report, "# Compile-time checks on a 500-migration history\n").unwrap();
    writeln!(report, "Generated by `cargo bench -p schemaflow-tests --bench compile_time` ({machine}; bench profile for the in-process figures, dev profile for `cargo build`).\n").unwrap();
    writeln!(report, "| measure | figure | target |\n|---|---|---|").unwrap();
    writeln!(report, "| parse + replay + rules of the 500th migration, cold (median of 5) | {} | ≤ 20 ms |", ms(cold))
        .unwrap();
    writeln!(report, "| all 500 checked in one process, as one build does (median of 3) | {} | ≤ 1 s |", ms(all))
        .unwrap();
    writeln!(report, "| all 500, each cold (no history cache), for reference | {} | — |", ms(uncached)).unwrap();
    writeln!(report, "| ratio: each-cold / one-process | {:.1}× | — |", uncached.as_secs_f64() / all.as_secs_f64())
        .unwrap();
    writeln!(report, "| `cargo build` of the crate, dependencies included (first build) | {} | — |", ms(deps)).unwrap();
    writeln!(
        report,
        "| `cargo build` of the crate from clean (`cargo clean -p`, dependencies built) | {} | — |",
        ms(from_clean)
    )
    .unwrap();
    writeln!(report, "| `cargo build` after touching one migration file | {} | — |", ms(touched)).unwrap();
    writeln!(report, "| `cargo build` with nothing changed | {} | — |", ms(noop)).unwrap();
    let out = workspace.join("docs/benchmarks/compile-time.md");
    std::fs::write(&out, &report).unwrap();
    print!("{report}");
    eprintln!("written to {}", out.display());
}
