//! The documentation's examples, compiled: every ```rust block of the guide
//! and of the rules reference goes through
//! [`schemaflow_core::dsl::check_migration`], the function the
//! `migration!` macro calls, as a migration file after a history, so that an
//! example that stops compiling (or stops drawing the rule it illustrates)
//! fails the suite instead of misleading a reader.
//!
//! A block is a migration's body, or a whole file with `migration! { … }`.
//! It must draw exactly the rule codes its `//` comments name (`// SF013`),
//! and nothing when they name none (advice is not shown beside an error, as
//! the macro shows it). A block whose first line names a file of the example
//! (`// examples/blog/migrations/….rs`) must be that file's text (or part
//! of it), and follows the migrations before it. Any other block follows the
//! example's migrations, unless an HTML comment right before the block says
//! otherwise (invisible where the Markdown is rendered):
//! - `<!-- before: STEPS -->`: these DSL steps run after that history;
//! - `<!-- history: none -->`: it starts from an empty database;
//! - `<!-- databases: postgres -->`: the crate targets only these;
//! - `<!-- not a migration -->`: Rust code around migrations, not checked here.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use proc_macro2::TokenStream;
use schemaflow_core::config::Targets;
use schemaflow_core::dsl::{self, Invocation};

/// One ```rust block and the directives before it.
struct Example {
    doc: &'static str,
    line: usize,
    code: String,
    directives: Vec<String>,
}

fn examples(doc: &'static str) -> Vec<Example> {
    let text = std::fs::read_to_string(repo().join(doc)).expect("reads the document");
    let mut out = Vec::new();
    let mut directives = Vec::new();
    let mut block: Option<(usize, String)> = None;
    for (index, line) in text.lines().enumerate() {
        match &mut block {
            Some((start, code)) if line.trim_start().starts_with("```") => {
                out.push(Example {
                    doc,
                    line: *start,
                    code: std::mem::take(code),
                    directives: std::mem::take(&mut directives),
                });
                block = None;
            }
            Some((_, code)) => {
                code.push_str(line);
                code.push('\n');
            }
            None if line.trim() == "```rust" => block = Some((index + 1, String::new())),
            None => {
                if let Some(d) = line.trim().strip_prefix("<!--").and_then(|d| d.strip_suffix("-->")) {
                    directives.push(d.trim().to_owned());
                } else if !line.trim().is_empty() {
                    directives.clear();
                }
            }
        }
    }
    out
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("the tests crate is in the workspace").to_path_buf()
}

/// The rule codes a block's comments name.
fn named_codes(code: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for comment in code.lines().filter_map(|l| l.split_once("//").map(|(_, c)| c)) {
        let bytes = comment.as_bytes();
        for (i, _) in comment.match_indices("SF") {
            let digits = &bytes[i + 2..(i + 5).min(bytes.len())];
            if digits.len() == 3 && digits.iter().all(u8::is_ascii_digit) {
                out.insert(comment[i..i + 5].to_owned());
            }
        }
    }
    out
}

/// The rule code of each diagnostic text (`[SF013 blocking-index] …`).
fn codes<'a>(texts: impl Iterator<Item = &'a str>) -> BTreeSet<String> {
    texts
        .map(|t| {
            let t = t.split_once('[').map_or(t, |(_, rest)| rest);
            match t.split_whitespace().next() {
                Some(code) if code.starts_with("SF") && code.len() == 5 => code.to_owned(),
                _ => format!("error without a rule: {t}"),
            }
        })
        .collect()
}

/// Checks one example; `None` when it does what its comments say.
fn check(example: &Example, scratch: &Path) -> Option<String> {
    let directive = |name: &str| example.directives.iter().find_map(|d| d.strip_prefix(name)).map(str::trim);
    if example.directives.iter().any(|d| d == "not a migration") {
        return None;
    }
    let dir = scratch.join(format!("{}_{}", example.doc.replace(['/', '.'], "_"), example.line)).join("migrations");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("creates the scratch directory");
    let example_dir = repo().join("examples/blog/migrations");
    // A quoted example file: the block is its text, after its predecessors.
    let quoted = example.code.lines().next().and_then(|first| {
        let path =
            first.strip_prefix("// examples/blog/migrations/").or_else(|| first.strip_prefix("// migrations/"))?;
        Some(path.split_whitespace().next()?.to_owned())
    });
    if let Some(name) = &quoted {
        let Ok(original) = std::fs::read_to_string(example_dir.join(name)) else {
            return Some(format!("quotes {name}, which the example does not have"));
        };
        let body: String = example.code.lines().skip(1).collect::<Vec<_>>().join("\n");
        if !normalized(&original).contains(&normalized(&body)) {
            return Some(format!("differs from examples/blog/migrations/{name}"));
        }
    }
    if directive("history:") != Some("none") {
        for entry in std::fs::read_dir(&example_dir).expect("reads the example") {
            let path = entry.expect("reads an entry").path();
            let name = path.file_name().expect("a file name").to_string_lossy().into_owned();
            if quoted.as_ref().is_some_and(|q| name.as_str() >= q.as_str()) {
                continue;
            }
            std::fs::copy(&path, dir.join(&name)).expect("copies a migration");
        }
    }
    if let Some(steps) = directive("before:") {
        std::fs::write(dir.join("202612310000_before.rs"), format!("schemaflow::migration! {{ {steps} }}\n"))
            .expect("writes the history");
    }
    let file = dir.join("203001010000_example.rs");
    let text = if let Some(name) = &quoted {
        // The quoted file is what compiles; the block may show a part of it.
        std::fs::read_to_string(example_dir.join(name)).expect("read above")
    } else if example.code.contains("migration!") {
        example.code.clone()
    } else {
        format!("schemaflow::migration! {{\n{}}}\n", example.code)
    };
    std::fs::write(&file, &text).expect("writes the example");
    let targets = match directive("databases:") {
        Some(list) => {
            Targets { sqlite: list.contains("sqlite"), postgres: list.contains("postgres"), ..Targets::default() }
        }
        None => Targets::default(),
    };
    let tokens = match TokenStream::from_str(&text) {
        Ok(tokens) => tokens,
        Err(e) => return Some(format!("does not lex: {e}")),
    };
    let body = dsl::find_migration_body(tokens)?;
    let invocation = Invocation { file: Some(file), targets };
    let found = match dsl::check_migration(body, &invocation) {
        Ok(checked) => codes(checked.warnings.iter().map(|(_, text)| text.as_str())),
        Err(errors) => {
            let messages: Vec<String> = errors.into_iter().map(|e| e.to_string()).collect();
            codes(messages.iter().map(String::as_str))
        }
    };
    let mut named = named_codes(&example.code);
    let is_advice = |code: &String| schemaflow_core::rules::find(code).is_some_and(|r| r.advice);
    if found.iter().any(|c| !is_advice(c)) {
        named.retain(|c| !is_advice(c));
    }
    (found != named).then(|| format!("its comments name {named:?}, the check finds {found:?}"))
}

/// Code without its `//` comments, its whitespace made single spaces.
fn normalized(code: &str) -> String {
    let lines: Vec<&str> = code.lines().map(|l| l.split_once("//").map_or(l, |(code, _)| code)).collect();
    lines.join(" ").split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn the_documentation_examples_compile_as_they_say() {
    let scratch = repo().join("target/schemaflow-docs");
    let mut wrong = Vec::new();
    let mut checked = 0;
    for doc in ["docs/guide.md", "docs/rules.md", "README.md"] {
        for example in examples(doc) {
            checked += 1;
            if let Some(why) = check(&example, &scratch) {
                wrong.push(format!("{}:{}: {why}", example.doc, example.line));
            }
        }
    }
    assert!(checked >= 80, "{checked} examples");
    assert!(wrong.is_empty(), "{} of {checked} examples are wrong:\n{}", wrong.len(), wrong.join("\n"));
}
