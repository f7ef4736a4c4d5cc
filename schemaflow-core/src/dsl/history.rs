//! The schema before a migration: the earlier files of its directory,
//! parsed and replayed.
//!
//! One compiler process expands every migration of a crate, in version
//! order. A process-wide cache keeps each parsed file (keyed by name, size
//! and modification time) and the schema after the longest prefix replayed
//! so far, so checking the n-th migration replays only what changed since
//! the (n-1)-th: linear work for a whole build, not quadratic.

use std::collections::HashMap;
use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant, SystemTime};

use proc_macro2::{TokenStream, TokenTree};

use super::parse::parse_migration_for;
use crate::files::parse_file_stem;
use crate::model::Migration;
use crate::schema::Schema;

/// What is known of the schema before a migration.
#[derive(Clone, Debug, PartialEq)]
pub enum History {
    /// The earlier migrations replay cleanly to this schema.
    Known(Schema),
    /// This earlier file does not parse or does not replay.
    Broken(PathBuf),
    /// Another file of the directory has the same version.
    DuplicateVersion(PathBuf),
    /// The file's directory cannot be read, or its path is unknown.
    Unknown,
}

type Stamp = (u64, Option<SystemTime>);

/// How long a file's stamp is trusted before it is read again.
pub const RECHECK_AFTER: Duration = Duration::from_secs(2);

struct DirState {
    /// The stamp of each file and when it was read.
    stamps: HashMap<OsString, (Stamp, Instant)>,
    /// Each file's model (`None`: it does not parse) and the stamp it was read at.
    parsed: HashMap<OsString, (Stamp, Option<Arc<Migration>>)>,
    /// The files replayed (in order, with their stamps) and the schema after them.
    snapshot: Option<(Vec<(PathBuf, Stamp)>, Schema)>,
}

fn state() -> &'static Mutex<HashMap<PathBuf, DirState>> {
    static STATE: OnceLock<Mutex<HashMap<PathBuf, DirState>>> = OnceLock::new();
    STATE.get_or_init(|| Mutex::new(HashMap::new()))
}

/// Forgets every cached file and replay, as a new compiler process would.
/// For benchmarks and tests of the cold path.
pub fn clear_cache() {
    match state().lock() {
        Ok(mut guard) => guard.clear(),
        Err(poisoned) => poisoned.into_inner().clear(),
    }
}

/// A file's key in its directory's cache: its name.
fn key(path: &Path) -> &OsStr {
    path.file_name().unwrap_or(path.as_os_str())
}

fn stamp(path: &Path) -> Option<Stamp> {
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.len(), meta.modified().ok()))
}

/// The schema after every migration of `file`'s directory whose version is
/// lower than `version`. `current`, the model just parsed from `file`, is
/// cached so that the next migration need not parse it again.
pub fn schema_before(file: &Path, version: u64, current: Option<&Migration>) -> History {
    let file = if file.is_absolute() {
        file.to_path_buf()
    } else {
        match std::env::current_dir() {
            Ok(cwd) => cwd.join(file),
            Err(_) => return History::Unknown,
        }
    };
    let Some(dir) = file.parent() else { return History::Unknown };
    let Ok(entries) = std::fs::read_dir(dir) else { return History::Unknown };
    let versioned: Vec<(u64, PathBuf)> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .filter_map(|p| {
            let (v, _) = parse_file_stem(p.file_stem()?.to_str()?).ok()?;
            Some((v, p))
        })
        .collect();
    if let Some((_, twin)) = versioned.iter().find(|(v, p)| *v == version && p.file_name() != file.file_name()) {
        return History::DuplicateVersion(twin.clone());
    }
    let mut earlier: Vec<(u64, PathBuf)> = versioned.into_iter().filter(|(v, _)| *v < version).collect();
    earlier.sort();
    let mut all = match state().lock() {
        Ok(guard) => guard,
        Err(poisoned) => poisoned.into_inner(),
    };
    let dir_state = all.entry(dir.to_path_buf()).or_insert_with(|| DirState {
        stamps: HashMap::with_capacity(earlier.len() + 1),
        parsed: HashMap::with_capacity(earlier.len() + 1),
        snapshot: None,
    });
    let now = Instant::now();
    // Nothing of this directory read yet in this process.
    if dir_state.parsed.is_empty() {
        let history = replay_cold(dir_state, &file, &earlier, now);
        remember(dir_state, &file, current, now);
        return history;
    }
    let mut listing = Vec::with_capacity(earlier.len());
    // Files read while stamping them (one open, no second path lookup).
    let mut texts: HashMap<usize, String> = HashMap::new();
    for (_, path) in earlier {
        let fresh =
            dir_state.stamps.get(key(&path)).filter(|(_, at)| now.duration_since(*at) < RECHECK_AFTER).map(|(s, _)| *s);
        let s = match fresh {
            Some(s) => s,
            None => {
                let parsed = dir_state.parsed.get(key(&path)).map(|(s, _)| *s);
                let Some((s, text)) = stamp_and_read(&path, parsed) else { return History::Unknown };
                if let Some(text) = text {
                    texts.insert(listing.len(), text);
                }
                dir_state.stamps.insert(key(&path).to_owned(), (s, now));
                s
            }
        };
        listing.push((path, s));
    }
    remember(dir_state, &file, current, now);

    let (mut schema, done) = match &dir_state.snapshot {
        Some((prefix, schema)) if prefix.len() <= listing.len() && prefix[..] == listing[..prefix.len()] => {
            (schema.clone(), prefix.len())
        }
        _ => (Schema::new(), 0),
    };
    // One crate owns the directory: its targets are looked up once.
    let mut flavor = None;
    for (index, (path, s)) in listing.iter().enumerate().skip(done) {
        let cached = match dir_state.parsed.get(key(path)) {
            Some((stamp, m)) if stamp == s => m.clone(),
            _ => {
                let flavor = *flavor.get_or_insert_with(|| flavor_of(&file));
                let text = texts.remove(&index).or_else(|| std::fs::read_to_string(path).ok());
                let m = text.and_then(|text| parse_text(path, &text, flavor)).map(Arc::new);
                dir_state.parsed.insert(key(path).to_owned(), (*s, m.clone()));
                m
            }
        };
        let Some(migration) = cached else { return History::Broken(path.clone()) };
        let postgres = *flavor.get_or_insert_with(|| flavor_of(&file)) == crate::raw_sql::Flavor::Postgres;
        if schema.apply_migration(&migration, postgres).is_err() {
            return History::Broken(path.clone());
        }
    }
    dir_state.snapshot = Some((listing, schema.clone()));
    History::Known(schema)
}

/// Caches `current`, the model just parsed from `file`, so that the next
/// migration need not parse it again.
fn remember(dir_state: &mut DirState, file: &Path, current: Option<&Migration>, now: Instant) {
    if let (Some(m), Some(s)) = (current, stamp(file)) {
        dir_state.stamps.insert(key(file).to_owned(), (s, now));
        dir_state.parsed.insert(key(file).to_owned(), (s, Some(Arc::new(m.clone()))));
    }
}

/// The first replay of a directory in this process: every earlier file is
/// read and parsed. A second thread reads the files (plain file reads,
/// nothing of the compiler's) while this one parses and replays them in
/// order, so the reading is hidden behind the parsing.
fn replay_cold(dir_state: &mut DirState, file: &Path, earlier: &[(u64, PathBuf)], now: Instant) -> History {
    let flavor = flavor_of(file);
    std::thread::scope(|scope| {
        let (sender, receiver) = std::sync::mpsc::channel();
        scope.spawn(move || {
            for (_, path) in earlier {
                if sender.send(stamp_and_read(path, None)).is_err() {
                    return;
                }
            }
        });
        let mut schema = Schema::new();
        let mut listing = Vec::with_capacity(earlier.len());
        for (_, path) in earlier {
            let Ok(Some((stamp, Some(text)))) = receiver.recv() else { return History::Unknown };
            let migration = parse_text(path, &text, flavor).map(Arc::new);
            dir_state.stamps.insert(key(path).to_owned(), (stamp, now));
            dir_state.parsed.insert(key(path).to_owned(), (stamp, migration.clone()));
            listing.push((path.clone(), stamp));
            let Some(migration) = migration else { return History::Broken(path.clone()) };
            if schema.apply_migration(&migration, flavor == crate::raw_sql::Flavor::Postgres).is_err() {
                return History::Broken(path.clone());
            }
        }
        dir_state.snapshot = Some((listing, schema.clone()));
        History::Known(schema)
    })
}

/// Reads and parses one migration file; `None` when it does not parse.
pub fn load(path: &Path) -> Option<Migration> {
    parse_file(path, flavor_of(path))
}

/// Reads and parses one migration file whose raw SQL is read as `flavor`.
fn parse_file(path: &Path, flavor: crate::raw_sql::Flavor) -> Option<Migration> {
    parse_text(path, &std::fs::read_to_string(path).ok()?, flavor)
}

/// Parses the text of the migration file at `path`.
fn parse_text(path: &Path, text: &str, flavor: crate::raw_sql::Flavor) -> Option<Migration> {
    let (version, name) = parse_file_stem(path.file_stem()?.to_str()?).ok()?;
    let tokens = TokenStream::from_str(text).ok()?;
    let body = find_migration_body(tokens)?;
    parse_migration_for(body, version, &name, flavor).ok().map(|p| p.migration)
}

/// A file's stamp, from one open; and its text too unless the file was
/// parsed with this same stamp already (`parsed`).
fn stamp_and_read(path: &Path, parsed: Option<Stamp>) -> Option<(Stamp, Option<String>)> {
    use std::io::Read;
    let mut handle = std::fs::File::open(path).ok()?;
    let meta = handle.metadata().ok()?;
    let stamp = (meta.len(), meta.modified().ok());
    if parsed == Some(stamp) {
        return Some((stamp, None));
    }
    let mut text = String::with_capacity(meta.len() as usize);
    handle.read_to_string(&mut text).ok()?;
    Some((stamp, Some(text)))
}

/// How the crate a migration file belongs to reads raw SQL: from its
/// targets (see [`super::targets_of`]).
fn flavor_of(path: &Path) -> crate::raw_sql::Flavor {
    crate::raw_sql::Flavor::for_targets(&super::targets_of(path).unwrap_or_default())
}

/// The tokens inside the first `migration! { … }` (or `path::migration!`) of a file.
pub fn find_migration_body(tokens: TokenStream) -> Option<TokenStream> {
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    trees.windows(3).find_map(|w| match w {
        [TokenTree::Ident(i), TokenTree::Punct(p), TokenTree::Group(g)] if i == "migration" && p.as_char() == '!' => {
            Some(g.stream())
        }
        _ => None,
    })
}
