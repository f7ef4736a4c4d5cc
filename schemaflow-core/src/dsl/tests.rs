//! The DSL parser and the history loader: lowering, error gathering,
//! robustness against malformed input, and replay of a real directory.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use proc_macro2::TokenStream;

use super::*;
use crate::model::*;

fn parse(src: &str) -> syn::Result<Parsed> {
    parse_migration(TokenStream::from_str(src).expect("lexes"), 1, "test")
}

fn ops(src: &str) -> Vec<Op> {
    match parse(src) {
        Ok(p) => p.migration.steps.into_iter().map(|s| s.op).collect(),
        Err(e) => panic!("does not parse: {e}"),
    }
}

#[test]
fn lowers_create_table_with_inline_and_table_constraints() {
    let ops = ops(r#"
        create_table orders {
            id: i64 primary_key identity,
            user_id: i64 references users(id) on_delete cascade on_update restrict,
            code: Varchar<12> unique,
            total: Decimal<10, 2> = 0.00,
            note: Option<String>,
            qty: i32 check("qty > 0"),
            unique(user_id, code),
            constraint orders_total_positive check("total >= 0"),
        }
    "#);
    let [Op::CreateTable(t)] = ops.as_slice() else { panic!("{ops:?}") };
    assert_eq!(t.columns.len(), 6);
    assert!(t.column("id").unwrap().identity);
    assert!(t.column("note").unwrap().nullable);
    assert_eq!(t.column("total").unwrap().default, Some(DefaultValue::Float("0.00".into())));
    assert_eq!(t.primary_key(), Some(&["id".to_owned()][..]));
    let names: Vec<&str> = t.constraints.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "orders_pkey",
            "orders_user_id_fkey",
            "orders_code_key",
            "orders_qty_check",
            "orders_user_id_code_key",
            "orders_total_positive"
        ]
    );
    let Some(ConstraintKind::ForeignKey { on_delete, on_update, .. }) =
        t.constraint("orders_user_id_fkey").map(|c| &c.kind)
    else {
        panic!()
    };
    assert_eq!((*on_delete, *on_update), (FkAction::Cascade, FkAction::Restrict));
}

#[test]
fn lowers_every_alter_item_and_top_level_op() {
    let ops = ops(r#"
        alter_table users {
            add_column verified: bool = false,
            add_column org_id: Option<i64> references orgs(id) not_valid,
            drop_column legacy,
            rename_column name -> full_name,
            set_type age: i64 using "age::bigint",
            set_not_null email,
            drop_not_null phone,
            set_default verified = true,
            drop_default created_at,
            add_constraint users_age_check check("age >= 0") not_valid,
            add_constraint unique(email) concurrently,
            drop_constraint users_old_key,
        }
        create_index users_email_idx on users(email, org_id) unique where "deleted_at IS NULL" concurrently;
        drop_index old_idx concurrently;
        drop_table legacy;
        rename_table people -> persons;
        backfill users set verified = sql("confirmed_at IS NOT NULL"), age = 0 where "verified IS NULL" batch 500 pause 2s;
        sql "CREATE VIEW v AS SELECT 1" down "DROP VIEW v";
    "#);
    let keywords: Vec<&str> = ops.iter().map(|o| o.keyword()).collect();
    assert_eq!(
        keywords,
        [
            "add_column",
            "add_column",
            "add_constraint",
            "drop_column",
            "rename_column",
            "set_type",
            "set_not_null",
            "drop_not_null",
            "set_default",
            "drop_default",
            "add_constraint",
            "add_constraint",
            "drop_constraint",
            "create_index",
            "drop_index",
            "drop_table",
            "rename_table",
            "backfill",
            "sql"
        ]
    );
    assert!(
        matches!(&ops[2], Op::AddConstraint { online: true, constraint, .. } if constraint.name == "users_org_id_fkey")
    );
    assert!(
        matches!(&ops[11], Op::AddConstraint { online: true, constraint, .. } if constraint.name == "users_email_key")
    );
    let Op::CreateIndex(i) = &ops[13] else { panic!() };
    assert!(i.unique && i.concurrently && i.predicate.as_deref() == Some("deleted_at IS NULL"));
    let Op::Backfill(b) = &ops[17] else { panic!() };
    assert_eq!((b.batch_size, b.pause_ms, b.assignments.len()), (500, 2000, 2));
}

#[test]
fn down_irreversible_allows_and_doc_comments() {
    let p = parse(
        r#"
        /// Adds the flag.
        #[allow(add_required_column, "the table is empty in every environment")]
        alter_table users { add_column flag: bool }
        down { alter_table users { drop_column flag } }
    "#,
    )
    .unwrap();
    assert_eq!(p.migration.steps[0].allows[0].rule, "add-required-column");
    assert_eq!(p.migration.steps[0].allows[0].reason, "the table is empty in every environment");
    assert!(matches!(&p.migration.down, Down::Explicit(steps) if steps.len() == 1));
    let p =
        parse(r#"sql "DROP VIEW v" irreversible "the view's definition is lost"; irreversible "old data""#).unwrap();
    assert_eq!(p.migration.down, Down::Irreversible("old data".into()));
    let twice = parse(r#"irreversible "a"; down { drop_table t }"#).unwrap_err();
    assert!(twice.to_string().contains("at most one"), "{twice}");
}

#[test]
fn gathers_every_syntax_error_of_a_migration() {
    let err = parse(
        r#"
        create_tabel users { id: i64 }
        alter_table users { add_column a: Strng, add_column b: Foo }
        alter_table users { drop_column }
        create_index on users(a);
        drop_index;
        backfill users set a = nope();
    "#,
    )
    .unwrap_err();
    let messages: Vec<String> = err.into_iter().map(|e| e.to_string()).collect();
    assert!(messages.len() >= 6, "{messages:#?}");
    assert!(messages.iter().any(|m| m.contains("expected column name")), "{messages:#?}");
    assert!(messages[0].contains("unknown operation `create_tabel`"));
    assert!(messages.iter().any(|m| m.contains("unknown column type `Strng`")));
    assert!(messages.iter().any(|m| m.contains("unknown column type `Foo`")));
    assert!(messages.iter().any(|m| m.contains("expected index name")));
    assert!(messages.iter().any(|m| m.contains("unknown function `nope()`")));
}

#[test]
fn an_online_change_computes_each_side_one_way() {
    // Rust functions: the fill and the catch-up before the contract are
    // catch-ups of the change log.
    let lowered = ops(
        "online_change people { add first_name: String, retire name, with names::split(name) -> first_name, with names::join(first_name) -> (name) } batch 10",
    );
    let Some(Op::CreateSync(sync)) = lowered.iter().find(|op| matches!(op, Op::CreateSync(_))) else {
        panic!("{lowered:?}")
    };
    let functions = sync.functions.as_ref().expect("functions");
    assert_eq!(
        (functions.forward.function.as_str(), functions.back.function.as_str()),
        ("names::split", "names::join")
    );
    let catch_ups: Vec<_> =
        lowered.iter().filter_map(|op| if let Op::CatchUp(c) = op { Some(c.fill_from) } else { None }).collect();
    assert_eq!(catch_ups, vec![Some(SyncSide::Old), None]);
    assert!(!lowered.iter().any(|op| matches!(op, Op::Backfill(_))));
    let boundary = lowered.iter().position(|op| matches!(op, Op::DeployBoundary { .. })).unwrap();
    assert!(matches!(lowered[boundary + 1], Op::CatchUp(_)) && matches!(lowered[boundary + 2], Op::DropSync { .. }));

    let error = |src: &str| parse(src).err().map(|e| e.to_string()).unwrap_or_else(|| panic!("{src} parses"));
    let mixed = error(
        r#"online_change people { add first_name: String = "name", retire name, with f(name) -> first_name, with g(first_name) -> name }"#,
    );
    assert!(mixed.contains("drop the expression of `first_name`"), "{mixed}");
    let one_way = error("online_change people { add first_name: String, retire name, with f(name) -> first_name }");
    assert!(one_way.contains("needs both"), "{one_way}");
    let wrong = error(
        "online_change people { add first_name: String, retire name, with f(first_name) -> first_name, with g(first_name) -> name }",
    );
    assert!(wrong.contains("`f` must compute the new columns (first_name) from old ones"), "{wrong}");
    let bare = error("online_change people { add first_name: String, retire name = \"first_name\" }");
    assert!(bare.contains("`first_name` needs `= \"expression over the old columns\"`"), "{bare}");
}

#[test]
fn type_suggestions() {
    let err = parse("create_table t { id: u64 primary_key, at: DateTime<Utc> }").unwrap_err();
    let text: Vec<String> = err.into_iter().map(|e| e.to_string()).collect();
    assert!(text[0].contains("no unsigned"), "{}", text[0]);
    assert!(text[1].contains("TimestampTz"), "{}", text[1]);
}

/// A tiny deterministic generator, so a failure reproduces.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

const VOCABULARY: &[&str] = &[
    "create_table",
    "drop_table",
    "rename_table",
    "alter_table",
    "create_index",
    "drop_index",
    "backfill",
    "sql",
    "down",
    "irreversible",
    "add_column",
    "drop_column",
    "rename_column",
    "set_type",
    "set_not_null",
    "drop_not_null",
    "set_default",
    "drop_default",
    "add_constraint",
    "drop_constraint",
    "on",
    "unique",
    "where",
    "concurrently",
    "not_valid",
    "primary_key",
    "identity",
    "references",
    "check",
    "foreign_key",
    "constraint",
    "on_delete",
    "cascade",
    "set",
    "batch",
    "pause",
    "using",
    "users",
    "id",
    "email",
    "Option",
    "Decimal",
    "Varchar",
    "Vec",
    "u8",
    "i64",
    "bool",
    "String",
    "TimestampTz",
    "now",
    "sql",
    "allow",
    "blocking_index",
    "#",
    "!",
    "=",
    "->",
    "-",
    ":",
    ",",
    ";",
    "<",
    ">",
    "<<",
    "(",
    ")",
    "{",
    "}",
    "[",
    "]",
    "0",
    "-1",
    "1.5",
    "99999999999999999999999",
    "10ms",
    "\"x\"",
    "\"\"",
    "true",
    "false",
    "r#type",
    "Users",
    "_",
    "'a'",
    "1e99",
    "0x10",
];

fn random_source(rng: &mut Rng) -> String {
    let len = rng.next() % 40;
    (0..len).map(|_| rng.pick(VOCABULARY)).collect::<Vec<_>>().join(" ")
}

fn mutate(rng: &mut Rng, src: &str) -> String {
    let mut words: Vec<&str> = src.split_whitespace().collect();
    for _ in 0..(1 + rng.next() % 3) {
        if words.is_empty() {
            break;
        }
        let at = (rng.next() % words.len() as u64) as usize;
        match rng.next() % 3 {
            0 => {
                words.remove(at);
            }
            1 => words.insert(at, rng.pick(VOCABULARY)),
            _ => {
                let other = (rng.next() % words.len() as u64) as usize;
                words.swap(at, other);
            }
        }
    }
    words.join(" ")
}

const VALID: &[&str] = &[
    "online_change people { add a : String , retire b , with m :: f ( b ) -> a , with m :: g ( a ) -> ( b ) , } batch 5 pause 1ms",
    "rename_table users -> accounts online",
    "create_table users { id : i64 primary_key identity , email : Varchar < 100 > unique , n : Option < i32 > = 3 , }",
    "alter_table users { add_column v : bool = false , rename_column a -> b , set_type c : String using \"c::text\" }",
    "create_index i on users ( email , id ) unique where \"x\" concurrently ; drop_index j concurrently",
    "backfill users set v = sql ( \"1\" ) , w = - 2 where \"true\" batch 10 pause 5ms ; sql \"x\" down \"y\"",
    "# [ allow ( blocking_index , \"r\" ) ] create_index on users ( id ) ; down { drop_table users } ",
];

/// Random and mutated token streams never panic the parser or the checker:
/// they parse, or they come back as errors.
#[test]
fn malformed_input_never_panics() {
    let mut rng = Rng(0x5eed_cafe_f00d_beef);
    let invocation = Invocation { file: None, targets: crate::Targets::default() };
    let mut errors = 0;
    for i in 0..4000 {
        let src = if i % 2 == 0 {
            random_source(&mut rng)
        } else {
            let valid = rng_pick_valid(&mut rng);
            mutate(&mut rng, valid)
        };
        let Ok(tokens) = TokenStream::from_str(&src) else { continue };
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            let parsed = parse_migration(tokens.clone(), 1, "fuzz").is_ok();
            let checked = check_migration(tokens, &invocation).is_ok();
            (parsed, checked)
        }));
        match outcome {
            Ok((_, false)) => errors += 1,
            Ok(_) => {}
            Err(_) => panic!("the parser panicked on: {src}"),
        }
    }
    assert!(errors > 1000, "the generator should mostly produce invalid input, got {errors} errors");
}

fn rng_pick_valid(rng: &mut Rng) -> &'static str {
    VALID[(rng.next() % VALID.len() as u64) as usize]
}

#[test]
fn valid_corpus_parses() {
    for src in VALID {
        assert!(parse(src).is_ok(), "{src}: {:?}", parse(src).err().map(|e| e.to_string()));
    }
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("schemaflow-dsl-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(dir: &Path, file: &str, body: &str) -> PathBuf {
    let path = dir.join(file);
    std::fs::write(&path, format!("schemaflow::migration! {{ {body} }}\n")).unwrap();
    path
}

fn check_file(path: &Path) -> Result<Migration, Vec<String>> {
    let text = std::fs::read_to_string(path).unwrap();
    let body = history::find_migration_body(TokenStream::from_str(&text).unwrap()).unwrap();
    let invocation = Invocation { file: Some(path.to_path_buf()), targets: crate::Targets::default() };
    check_migration(body, &invocation).map(|c| c.migration).map_err(|e| e.into_iter().map(|e| e.to_string()).collect())
}

#[test]
fn checks_against_the_earlier_files_of_its_directory() {
    let dir = temp_dir("history");
    write(&dir, "202601010000_create_users.rs", "create_table users { id: i64 primary_key, email: String }");
    let second = write(&dir, "202601020000_add_flag.rs", "alter_table users { add_column flag: bool }");
    let errors = check_file(&second).unwrap_err();
    assert!(errors[0].contains("SF003"), "{errors:?}");

    // A later file (higher version) is not part of the history.
    write(&dir, "202601030000_later.rs", "drop_table users");
    assert!(check_file(&second).is_err());

    // Editing an earlier file changes the history the next check sees, in
    // a new compiler process (a cleared cache) and, once a stamp is older
    // than the recheck interval, in a long-lived one (an editor's server).
    write(&dir, "202601010000_create_users.rs", "create_table accounts { id: i64 primary_key }");
    clear_cache();
    let errors = check_file(&second).unwrap_err();
    assert!(errors[0].contains("table `users` does not exist"), "{errors:?}");
    write(&dir, "202601010000_create_users.rs", "create_table users { id: i64 primary_key, email: String }");
    std::thread::sleep(history::RECHECK_AFTER + std::time::Duration::from_millis(100));
    assert!(check_file(&second).unwrap_err()[0].contains("SF003"));
    write(&dir, "202601010000_create_users.rs", "create_table accounts { id: i64 primary_key }");
    std::thread::sleep(history::RECHECK_AFTER + std::time::Duration::from_millis(100));
    let errors = check_file(&second).unwrap_err();
    assert!(errors[0].contains("table `users` does not exist"), "{errors:?}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_history_read_cold_is_the_one_replayed_file_by_file() {
    let dir = temp_dir("cold");
    let mut paths = Vec::new();
    for n in 0..40u64 {
        let body = match n % 4 {
            0 => format!("create_table t{n} {{ id: i64 primary_key, label: String }}"),
            1 => format!("sql \"CREATE TABLE r{n} (id bigint PRIMARY KEY, note text)\""),
            2 => format!("alter_table t{} {{ add_column c{n}: Option<i32> }}", n - 2),
            _ => format!("sql \"CREATE INDEX r{}_note_idx ON r{} (note)\"", n - 2, n - 2),
        };
        paths.push(write(&dir, &format!("{}_m{n}.rs", 202601010000 + n), &body));
    }
    let last = paths.last().unwrap();
    let version = |p: &Path| crate::files::parse_file_stem(p.file_stem().unwrap().to_str().unwrap()).unwrap().0;
    clear_cache();
    let cold = history::schema_before(last, version(last), None);
    clear_cache();
    let mut warm = History::Unknown;
    for p in &paths {
        warm = history::schema_before(p, version(p), None);
    }
    let History::Known(schema) = &cold else { panic!("{cold:?}") };
    assert_eq!(schema.tables.len(), 20);
    assert_eq!(cold, warm);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_broken_earlier_file_does_not_cascade() {
    let dir = temp_dir("broken");
    write(&dir, "202601010000_create_users.rs", "create_tabel users { id: i64 }");
    let second = write(&dir, "202601020000_add_flag.rs", "alter_table users { add_column flag: bool = false }");
    assert!(check_file(&second).is_ok(), "only the broken file reports its error");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn bad_file_names_are_errors_naming_the_file() {
    let dir = temp_dir("names");
    let bad = write(&dir, "20260101_AddUsers.rs", "create_table users { id: i64 primary_key }");
    let errors = check_file(&bad).unwrap_err();
    assert!(errors[0].contains("SF024") && errors[0].contains("20260101_AddUsers.rs"), "{errors:?}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_blog_example_replays() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/blog/migrations");
    let files = crate::files::scan_dir(&dir).unwrap();
    assert!(files.len() >= 8);
    let migrations: Vec<Migration> = files.iter().map(|f| history::load(&f.path).unwrap()).collect();
    let schema = crate::schema::Schema::replay(&migrations).unwrap();
    let users = schema.table("users").unwrap();
    assert!(users.column("verified").is_some() && users.column("display_name").is_some());
    assert!(users.column("name").is_none(), "the contract step dropped it");
    assert_eq!(schema.table("posts").unwrap().column("title").unwrap().ty, ColumnType::Text);
    assert!(schema.indexes.contains_key("posts_author_id_idx"));
}

#[test]
fn a_null_default_says_to_leave_it_out() {
    for src in [
        "create_table t { id: i64 primary_key, a: Option<i32> = None }",
        "create_table t { id: i64 primary_key, a: Option<i32> = null }",
    ] {
        let e = parse(src).unwrap_err().to_string();
        assert!(e.contains("already defaults to NULL"), "{src}: {e}");
    }
}

#[test]
fn a_zero_timeout_is_refused_because_postgres_reads_it_as_none() {
    for (src, says) in [
        ("lock_timeout 0ms; create_table t { id: i64 primary_key }", "`lock_timeout 0` means no limit"),
        ("statement_timeout 0s; create_table t { id: i64 primary_key }", "`statement_timeout 0` means no limit"),
    ] {
        let e = parse(src).unwrap_err().to_string();
        assert!(e.contains(says), "{src}: {e}");
    }
    assert!(parse("lock_timeout 1ms; create_table t { id: i64 primary_key }").is_ok());
}

#[test]
fn a_migration_file_without_its_migration_is_named() {
    let dir = temp_dir("empty_file");
    write(&dir, "202601010000_create_users.rs", "create_table users { id: i64 primary_key }");
    std::fs::write(dir.join("202601020000_half_written.rs"), "// to do\n").unwrap();
    let e = embed_directory(&dir, Span::call_site()).unwrap_err().to_string();
    assert!(e.contains("202601020000_half_written.rs holds no `schemaflow::migration!"), "{e}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_misspelled_keyword_gets_the_word_it_was_meant_to_be() {
    for (src, hint) in [
        ("creat_table users { id: i64 primary_key }", Some("did you mean `create_table`?")),
        ("alter_table users { ad_column x: Option<i32> }", Some("did you mean `add_column`?")),
        ("backfil users set age = 1", Some("did you mean `backfill`?")),
        ("create_table t { id: i64 primary_ky }", Some("did you mean `primary_key`?")),
        (
            "create_table t { id: i64 primary_key, u: i64 references t(id) on_delete cascad }",
            Some("did you mean `cascade`?"),
        ),
        ("#[allow(blocking_indx, \"small\")] create_index on users(age)", Some("did you mean `blocking_index`?")),
        ("frobnicate users", None),
    ] {
        let e = parse(src).unwrap_err().to_string();
        match hint {
            Some(hint) => assert!(e.contains(hint), "{src}: {e}"),
            None => assert!(!e.contains("did you mean"), "{src}: {e}"),
        }
    }
}
