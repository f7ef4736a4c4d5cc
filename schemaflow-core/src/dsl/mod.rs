//! The `migration!` DSL at compile time: parse a file's tokens, replay the
//! earlier migrations of its directory, run the rules, and turn each
//! diagnostic into a `syn::Error` at the offending token.
//!
//! The proc-macro crate is a thin shell over [`check_migration`] and
//! [`embed_directory`]; the benchmarks and tests call the same functions.

pub mod history;
mod parse;
pub mod render;

pub use history::{History, clear_cache, find_migration_body, load, schema_before};
pub use parse::{Parsed, SpanMap, combine, parse_migration, parse_migration_for};

use std::path::{Path, PathBuf};

use proc_macro2::{Span, TokenStream};

use crate::config::Targets;
use crate::files::{self, MigrationFile};
use crate::model::Migration;
use crate::rules;

/// The warning of a migration that could not be checked because an earlier
/// file does not apply: its start and end around the file's name.
const UNCHECKED: &str = "this migration was not checked against the earlier ones: ";
const UNCHECKED_TAIL: &str = " does not parse or does not apply; fix it first";

/// The earlier file named by a "not checked" warning, if `warning` is one.
pub fn unchecked_because(warning: &str) -> Option<String> {
    let name = warning.strip_prefix(UNCHECKED)?.strip_suffix(UNCHECKED_TAIL)?;
    Some(name.trim_matches('`').to_owned())
}

/// Where a `migration!` invocation was expanded, and for which targets.
pub struct Invocation {
    /// The source file, from `proc_macro::Span::local_file()`; `None` when
    /// the compiler cannot say (e.g. inside another macro).
    pub file: Option<PathBuf>,
    /// The crate's target databases.
    pub targets: Targets,
}

/// A migration that passed its checks, with the advice to show as warnings.
pub struct Checked {
    /// The model.
    pub migration: Migration,
    /// Advice diagnostics not acknowledged: where, and the rendered text.
    pub warnings: Vec<(Span, String)>,
    /// The typed signature of each `with …` transform, from the replayed schema.
    pub transforms: Vec<TransformSignature>,
}

/// A transform's function and the Rust types of its inputs and outputs,
/// read off the schema just before its step.
pub struct TransformSignature {
    /// The function's path.
    pub function: String,
    /// The Rust type of each input column.
    pub inputs: Vec<String>,
    /// The Rust type of each output column.
    pub outputs: Vec<String>,
    /// Where the transform is written.
    pub span: Span,
}

/// The signatures of the migration's transforms, replaying it from `before`.
fn transform_signatures(before: &crate::schema::Schema, parsed: &Parsed) -> Vec<TransformSignature> {
    let mut schema = before.clone();
    let mut out = Vec::new();
    // The migration's end: the new columns of an online change as declared.
    let mut end = before.clone();
    for step in &parsed.migration.steps {
        let _ = end.apply(&step.op);
    }
    for (index, step) in parsed.migration.steps.iter().enumerate() {
        if let crate::model::Op::CreateSync(sync) = &step.op
            && let (Some(functions), Some(old), Some(new)) =
                (&sync.functions, schema.table(&sync.table), end.table(&sync.table))
        {
            // The old columns as the old app knows them (before the sync
            // relaxes them), the new ones as the new app will.
            let type_of = |c: &String| {
                old.column(c).filter(|_| sync.retired.iter().any(|r| r.column == *c)).or_else(|| new.column(c))
            };
            let types = |columns: &[String]| -> Vec<String> {
                columns.iter().filter_map(&type_of).map(|c| rust_type(&c.ty, c.nullable)).collect()
            };
            for (spec, part) in [(&functions.forward, "with"), (&functions.back, "with back")] {
                let location = crate::location::Location::up(index, crate::location::Part::Modifier(part));
                out.push(TransformSignature {
                    function: spec.function.clone(),
                    inputs: types(&spec.inputs),
                    outputs: types(&spec.outputs),
                    span: parsed.spans.get(&location, Span::call_site()),
                });
            }
        }
        if let crate::model::Op::Backfill(b) = &step.op
            && let (Some(t), Some(table)) = (&b.transform, schema.table(&b.table))
        {
            let types = |columns: &[String]| -> Vec<String> {
                columns.iter().filter_map(|c| table.column(c)).map(|c| rust_type(&c.ty, c.nullable)).collect()
            };
            let location = crate::location::Location::up(index, crate::location::Part::Modifier("with"));
            out.push(TransformSignature {
                function: t.function.clone(),
                inputs: types(&t.inputs),
                outputs: types(&t.outputs),
                span: parsed.spans.get(&location, Span::call_site()),
            });
        }
        let _ = schema.apply(&step.op);
    }
    out
}

/// Parses, replays and checks one `migration! { … }` body. Returns the model
/// and its advice, or every error found, each at its token.
pub fn check_migration(tokens: TokenStream, invocation: &Invocation) -> Result<Checked, syn::Error> {
    let call_site = Span::call_site();
    let mut errors = Vec::new();
    let (version, name) = match &invocation.file {
        Some(file) => match file.file_stem().and_then(|s| s.to_str()).map(files::parse_file_stem) {
            Some(Ok(id)) => id,
            Some(Err(why)) => {
                errors.push(file_name_error(call_site, &why));
                (0, String::new())
            }
            None => {
                errors.push(file_name_error(call_site, &format!("`{}` is not a valid file name", file.display())));
                (0, String::new())
            }
        },
        None => (0, String::new()),
    };
    let flavor = crate::raw_sql::Flavor::for_targets(&invocation.targets);
    let parsed = match parse_migration_for(tokens, version, &name, flavor) {
        Ok(parsed) => parsed,
        Err(e) => {
            errors.push(e);
            return Err(combine(errors).unwrap_or_else(|| syn::Error::new(call_site, "invalid migration")));
        }
    };
    if let Some(e) = combine(errors) {
        return Err(e);
    }
    let history = match &invocation.file {
        Some(file) => schema_before(file, version, Some(&parsed.migration)),
        None => History::Unknown,
    };
    let before = match history {
        History::Known(before) => before,
        History::DuplicateVersion(twin) => {
            let name = twin.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let why = format!("`{name}` has the same version {version}: give one of them a later timestamp");
            return Err(file_name_error(call_site, &why));
        }
        History::Broken(earlier) => {
            // Its own expansion reports the error; checks against a wrong
            // schema would only mislead, so say that they were skipped.
            let name = earlier.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let warning = format!("{UNCHECKED}`{name}`{UNCHECKED_TAIL}");
            return Ok(Checked {
                migration: parsed.migration,
                warnings: vec![(call_site, warning)],
                transforms: Vec::new(),
            });
        }
        History::Unknown => {
            return Ok(Checked { migration: parsed.migration, warnings: Vec::new(), transforms: Vec::new() });
        }
    };
    let report = rules::check(&before, &parsed.migration, &invocation.targets);
    let (advice, errors): (Vec<_>, Vec<_>) = report.diagnostics.iter().partition(|d| d.is_advice());
    let errors = errors.iter().map(|d| syn::Error::new(parsed.spans.get(&d.location, call_site), d.render()));
    match combine(errors.collect()) {
        Some(e) => Err(e),
        None => Ok(Checked {
            warnings: advice.iter().map(|d| (parsed.spans.get(&d.location, call_site), d.render())).collect(),
            transforms: transform_signatures(&before, &parsed),
            migration: parsed.migration,
        }),
    }
}

fn file_name_error(span: Span, why: &str) -> syn::Error {
    let rule = &rules::parse::INVALID_FILE_NAME;
    syn::Error::new(
        span,
        format!(
            "[{} {}] {why}\n  = why: {}\n  = help: rename the file, e.g. `202611241530_add_user_verified.rs`",
            rule.code, rule.name, rule.why
        ),
    )
}

/// The migration files of `dir`, checked for bad names and duplicate
/// versions (each problem an error naming its file).
pub fn embed_directory(dir: &Path, span: Span) -> Result<Vec<MigrationFile>, syn::Error> {
    let files = files::scan_dir(dir).map_err(|problems| {
        let errors = problems.into_iter().map(|why| file_name_error(span, &why)).collect();
        combine(errors).unwrap_or_else(|| syn::Error::new(span, "invalid migrations directory"))
    })?;
    // A file without its `migration!` (empty, or half written) would
    // otherwise surface as rustc's "cannot find function `migration`". A
    // file that does not lex is left to rustc, which points into it.
    let empty = files.iter().filter(|f| {
        std::fs::read_to_string(&f.path)
            .ok()
            .and_then(|text| text.parse::<TokenStream>().ok())
            .is_some_and(|tokens| find_migration_body(tokens).is_none())
    });
    let errors: Vec<syn::Error> = empty
        .map(|f| {
            syn::Error::new(
                span,
                format!(
                    "{} holds no `schemaflow::migration! {{ … }}`: write the migration in it, or delete the file",
                    f.path.display()
                ),
            )
        })
        .collect();
    match combine(errors) {
        Some(error) => Err(error),
        None => Ok(files),
    }
}

/// The targets of the crate a migration file belongs to, as cargo finds its
/// package: from the nearest `Cargo.toml` above the file (the defaults when
/// there is none).
pub fn targets_of(file: &Path) -> Result<Targets, String> {
    let file = if file.is_absolute() {
        file.to_path_buf()
    } else {
        std::env::current_dir().map(|cwd| cwd.join(file)).unwrap_or_else(|_| file.to_path_buf())
    };
    for dir in file.ancestors().skip(1) {
        let manifest = dir.join("Cargo.toml");
        if let Ok(text) = std::fs::read_to_string(&manifest) {
            return Targets::from_cargo_toml(&text);
        }
    }
    Ok(Targets::default())
}

/// The targets configured in the `Cargo.toml` of the crate being compiled
/// (`CARGO_MANIFEST_DIR`), or the defaults when it cannot be read.
pub fn crate_targets() -> Result<Targets, String> {
    let Ok(dir) = std::env::var("CARGO_MANIFEST_DIR") else {
        return Ok(Targets::default());
    };
    let path = Path::new(&dir).join("Cargo.toml");
    match std::fs::read_to_string(&path) {
        Ok(text) => Targets::from_cargo_toml(&text),
        Err(_) => Ok(Targets::default()),
    }
}

/// The Rust type a column of this type and nullability converts to, as
/// written in generated code.
fn rust_type(ty: &crate::model::ColumnType, nullable: bool) -> String {
    use crate::model::ColumnType::*;
    let base = match ty {
        Bool => "bool",
        I16 => "i16",
        I32 => "i32",
        I64 => "i64",
        F32 => "f32",
        F64 => "f64",
        Bytes => "::std::vec::Vec<u8>",
        // An array reaches a function in its text form (`{a,b}`).
        Text
        | Varchar(_)
        | Citext
        | Enum(_)
        | Array(_)
        | Decimal { .. }
        | Date
        | Time
        | Timestamp
        | TimestampTz
        | Uuid
        | Json
        | Sql(_) => "::std::string::String",
    };
    if nullable { format!("::std::option::Option<{base}>") } else { base.to_owned() }
}

#[cfg(test)]
mod tests;
