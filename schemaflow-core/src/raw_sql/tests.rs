use super::*;
use crate::model::{ColumnType, ConstraintKind, DefaultFunction, DefaultValue};

fn ops(sql: &str) -> Vec<Op> {
    read(sql, Flavor::Postgres).into_iter().flat_map(|s| s.ops).collect()
}

fn class(op: &Op) -> &RawClass {
    match op {
        Op::Sql(s) => &s.class,
        other => panic!("not classified: {other:?}"),
    }
}

#[test]
fn statements_split_where_the_database_splits_them() {
    let sql = "CREATE FUNCTION f() RETURNS trigger AS $$ BEGIN NEW.a := 1; RETURN NEW; END $$ LANGUAGE plpgsql;\n\
               -- a comment; with a semicolon\n/* block; comment */ SELECT ';' ; ;\nCOMMENT ON TABLE t IS 'a;b'";
    let statements = split(sql).unwrap();
    assert_eq!(statements.len(), 3, "{statements:?}");
    assert!(statements[0].ends_with("LANGUAGE plpgsql"));
    assert_eq!(statements[1], "SELECT ';'");
    assert_eq!(statements[2], "COMMENT ON TABLE t IS 'a;b'");
    assert_eq!(split("  -- only a comment\n").unwrap(), Vec::<String>::new());
    // A SQLite trigger's body holds statements of its own.
    let trigger = split(
        "CREATE TRIGGER t AFTER INSERT ON users BEGIN INSERT INTO audit VALUES (CASE WHEN new.a THEN 1 END); \
         UPDATE x SET n = n + 1; END; SELECT 1",
    )
    .unwrap();
    assert_eq!(trigger.len(), 2, "{trigger:?}");
    assert!(trigger[0].ends_with("END"));
    // Characters before a statement count in characters, not bytes.
    assert_eq!(split("COMMENT ON TABLE t IS 'é';SELECT 1").unwrap()[1], "SELECT 1");
    let mixed = "COMMENT ON TABLE t IS 'ü'; COMMENT ON TABLE u IS 'ß€'\n  ; SELECT 'ö' ;\nSELECT 2";
    assert_eq!(
        split(mixed).unwrap(),
        ["COMMENT ON TABLE t IS 'ü'", "COMMENT ON TABLE u IS 'ß€'", "SELECT 'ö'", "SELECT 2"]
    );
}

#[test]
fn each_statement_is_parsed_from_the_tokens_the_splitter_read() {
    // The second statement starts mid-line after multi-byte text: it is
    // lowered from its own tokens, not from a neighbour's.
    let read = read("COMMENT ON TABLE t IS 'é'; CREATE INDEX i ON t (a);\nDROP INDEX i", Flavor::Postgres);
    let kinds: Vec<&str> = read.iter().map(|r| r.sql.as_str()).collect();
    assert_eq!(kinds, ["COMMENT ON TABLE t IS 'é'", "CREATE INDEX i ON t (a)", "DROP INDEX i"]);
    assert!(matches!(&read[1].ops[..], [Op::CreateIndex(i)] if i.name == "i" && i.columns == ["a"]), "{read:?}");
    assert!(matches!(&read[2].ops[..], [Op::DropIndex { name, .. }] if name == "i"), "{read:?}");
}

#[test]
fn create_table_becomes_the_dsl_table() {
    let lowered = ops("CREATE TABLE Post (id serial PRIMARY KEY, \"Title\" varchar(200) NOT NULL, body text, \
         author_id int NOT NULL REFERENCES person ON DELETE CASCADE, published timestamptz NOT NULL DEFAULT now(), \
         score numeric(10, 2) DEFAULT 0, tags text[], UNIQUE (author_id, \"Title\"), CHECK (score >= 0))");
    let [Op::CreateTable(t)] = lowered.as_slice() else { panic!("{lowered:?}") };
    assert_eq!(t.name, "post");
    let id = t.column("id").unwrap();
    assert!(id.identity && !id.nullable && id.ty == ColumnType::I32);
    assert_eq!(t.column("Title").unwrap().ty, ColumnType::Varchar(200));
    assert!(t.column("body").unwrap().nullable);
    assert_eq!(t.column("published").unwrap().default, Some(DefaultValue::Function(DefaultFunction::Now)));
    assert_eq!(t.column("score").unwrap().ty, ColumnType::Decimal { precision: 10, scale: 2 });
    assert_eq!(t.column("tags").unwrap().ty, ColumnType::Array(Box::new(ColumnType::Text)));
    let names: Vec<&str> = t.constraints.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["post_pkey", "post_author_id_fkey", "post_author_id_Title_key", "post_score_check"]);
    assert!(matches!(&t.constraint("post_author_id_fkey").unwrap().kind,
        ConstraintKind::ForeignKey { ref_table, ref_columns, on_delete: crate::model::FkAction::Cascade, .. }
            if ref_table == "person" && ref_columns.is_empty()));
}

#[test]
fn alter_table_lowers_each_action() {
    let lowered = ops("ALTER TABLE users ADD COLUMN bio text, ALTER COLUMN age TYPE bigint USING age::bigint, \
         ALTER COLUMN email SET NOT NULL, ADD CONSTRAINT users_org_fkey FOREIGN KEY (org_id) REFERENCES orgs (id) NOT VALID;\n\
         ALTER TABLE users VALIDATE CONSTRAINT users_org_fkey; ALTER TABLE users RENAME COLUMN bio TO about;\n\
         ALTER TABLE users RENAME TO people; ALTER TABLE people DROP COLUMN about, DROP CONSTRAINT c");
    let keywords: Vec<&str> = lowered.iter().map(Op::keyword).collect();
    assert_eq!(
        keywords,
        [
            "add_column",
            "set_type",
            "set_not_null",
            "add_constraint",
            "validate_constraint",
            "rename_column",
            "rename_table",
            "drop_column",
            "drop_constraint"
        ]
    );
    let Op::AddConstraint { constraint, online: false, .. } = &lowered[3] else { panic!() };
    assert!(constraint.not_valid);
    let Op::AlterColumnType { ty, using, .. } = &lowered[1] else { panic!() };
    assert_eq!((ty, using.as_deref()), (&ColumnType::I64, Some("age::BIGINT")));
}

#[test]
fn indexes_keep_their_expression_and_build_mode() {
    let lowered = ops(
        "CREATE INDEX CONCURRENTLY idx_lower ON users USING gin (lower(name) gin_trgm_ops) WHERE deleted_at IS NULL;\
         CREATE UNIQUE INDEX ON users (email); DROP INDEX CONCURRENTLY IF EXISTS idx_lower; DROP INDEX old_idx",
    );
    let Op::CreateIndex(i) = &lowered[0] else { panic!() };
    assert!(i.concurrently && !i.unique);
    assert_eq!(i.columns, ["name"]);
    assert_eq!(i.key.as_deref(), Some("USING GIN (lower(name) gin_trgm_ops)"));
    assert_eq!(i.predicate.as_deref(), Some("deleted_at IS NULL"));
    let Op::CreateIndex(i) = &lowered[1] else { panic!() };
    assert_eq!((i.name.as_str(), i.unique, i.key.is_none()), ("users_email_idx", true, true));
    assert_eq!(lowered[2], Op::DropIndex { name: "idx_lower".into(), concurrently: true, if_exists: true });
    assert_eq!(lowered[3], Op::DropIndex { name: "old_idx".into(), concurrently: false, if_exists: false });
}

#[test]
fn everything_else_is_classified() {
    let lowered = ops("UPDATE users SET a = 1; DELETE FROM users WHERE id > 3; INSERT INTO t (a) VALUES (1);\
         INSERT INTO t SELECT * FROM users; /* hidden */ COMMIT; begin; CREATE VIEW v AS SELECT 1;\
         CREATE TRIGGER trg AFTER INSERT ON users FOR EACH ROW EXECUTE FUNCTION f(); COMMENT ON TABLE users IS 'x';\
         DO $$ BEGIN PERFORM 1; END $$; ALTER TABLE users SET UNLOGGED; this is not sql");
    let classes: Vec<&RawClass> = lowered.iter().map(class).collect();
    use RawClass::*;
    assert_eq!(
        &classes[..10],
        [
            &Data,
            &Data,
            &InsertValues,
            &Data,
            &TransactionControl,
            &TransactionControl,
            &Object,
            &Object,
            &Object,
            &Unanalysed
        ]
    );
    assert_eq!(classes[10], &Unanalysed);
    assert!(matches!(classes[11], Unreadable(_)));
    let Op::Sql(s) = &lowered[0] else { panic!() };
    assert_eq!(s.table.as_deref(), Some("users"));
    let Op::Sql(view) = &lowered[6] else { panic!() };
    assert_eq!(view.inverse.as_deref(), Some("DROP VIEW v"));
    let Op::Sql(trigger) = &lowered[7] else { panic!() };
    assert_eq!(trigger.inverse.as_deref(), Some("DROP TRIGGER trg ON users"));
}

#[test]
fn sqlite_integer_keys_are_64_bit_rowids() {
    let read = read("CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, n INTEGER)", Flavor::Sqlite);
    let [Op::CreateTable(t)] = read[0].ops.as_slice() else { panic!("{read:?}") };
    assert!(t.column("id").unwrap().identity);
    assert_eq!(t.column("n").unwrap().ty, ColumnType::I64);
}

#[test]
fn generated_columns_are_computed_not_identity() {
    let lowered = ops(
        "CREATE TABLE t (id bigint GENERATED ALWAYS AS IDENTITY, a int, b int GENERATED ALWAYS AS (a * 2) STORED, \
         mood mood_type[], nick citext)",
    );
    let [Op::CreateTable(t)] = lowered.as_slice() else { panic!("{lowered:?}") };
    let id = t.column("id").unwrap();
    assert!(id.identity && id.generated.is_none());
    let b = t.column("b").unwrap();
    assert!(!b.identity, "a computed column is no identity");
    assert_eq!(b.generated, Some(crate::model::Generated { expr: "a * 2".into(), stored: true }));
    assert_eq!(t.column("nick").unwrap().ty, ColumnType::Citext);
    assert_eq!(t.column("mood").unwrap().ty, ColumnType::Sql("mood_type[]".into()), "an enum only the replay knows");
}

#[test]
fn a_key_using_an_index_takes_it_over() {
    let attached = ops("ALTER TABLE devices ADD CONSTRAINT devices_pkey PRIMARY KEY USING INDEX devices_uuid_user_idx");
    assert_eq!(
        attached,
        [Op::AttachIndex {
            table: "devices".into(),
            name: "devices_pkey".into(),
            index: "devices_uuid_user_idx".into(),
            primary_key: true,
        }]
    );
    // Without a name, the constraint is the index's.
    let unnamed = ops("ALTER TABLE users ADD UNIQUE USING INDEX users_email_idx");
    assert!(matches!(&unnamed[..], [Op::AttachIndex { name, primary_key: false, .. }] if name == "users_email_idx"));
}

#[test]
fn a_statement_is_complete_only_when_its_operations_say_all_it_does() {
    let complete = |sql: &str| read(sql, Flavor::Postgres).iter().all(|s| s.complete);
    assert!(complete(
        "CREATE TABLE t (id bigint PRIMARY KEY, name text NOT NULL DEFAULT 'x' CONSTRAINT t_name_check CHECK (name <> ''))"
    ));
    assert!(complete("CREATE INDEX ON t (a, b)"));
    assert!(complete("CREATE UNIQUE INDEX CONCURRENTLY t_name ON t (lower(name)) WHERE name IS NOT NULL"));
    assert!(complete("ALTER TABLE t ADD COLUMN at timestamptz, DROP COLUMN old, ALTER COLUMN name SET NOT NULL"));
    assert!(complete("DROP INDEX CONCURRENTLY IF EXISTS t_name"));
    assert!(complete("ALTER TABLE t DROP COLUMN IF EXISTS a CASCADE"));
    assert!(matches!(
        &ops("ALTER TABLE t DROP COLUMN IF EXISTS a CASCADE")[..],
        [Op::DropColumn { if_exists: true, cascade: true, .. }]
    ));
    for lossy in [
        "CREATE TABLE t (id bigint PRIMARY KEY) WITH (fillfactor = 70)",
        "CREATE TABLE t (name text COLLATE \"C\")",
        "CREATE TABLE t (at timestamp(3))",
        "CREATE TABLE t (name varchar)",
        "CREATE TABLE audit.t (id bigint)",
        "CREATE UNLOGGED TABLE t (id bigint)",
        "CREATE TABLE t (id bigint REFERENCES u DEFERRABLE INITIALLY DEFERRED)",
        "ALTER TABLE IF EXISTS t ADD COLUMN a int",
        "CREATE INDEX t_a ON t (a) WITH (fillfactor = 70)",
        "DROP TABLE t RESTRICT",
        "CREATE VIEW v AS SELECT 1",
        // Names PostgreSQL picks that the model would guess (and the DSL write down).
        "CREATE TABLE t (a int CHECK (a > 0))",
        "ALTER TABLE t ADD CHECK (status IN ('a', 'b'))",
        "CREATE INDEX ON t (a DESC, b)",
        "CREATE INDEX ON t USING gin (a)",
        // A quoted type name keeps its case; a schema-qualified enum its schema.
        "CREATE TABLE t (m \"Mood\")",
        "CREATE TYPE app.mood AS ENUM ('a')",
        // CASCADE on an index drops the foreign keys that rely on it.
        "DROP INDEX t_a CASCADE",
    ] {
        assert!(!complete(lossy), "{lossy}");
    }
}

#[test]
fn a_drop_cascade_of_what_tables_use_is_not_trusted() {
    for sql in [
        "DROP TYPE mood CASCADE",
        "DROP DOMAIN email CASCADE",
        "DROP FUNCTION touch() CASCADE",
        "DROP EXTENSION citext CASCADE",
        "DROP SEQUENCE order_numbers CASCADE",
    ] {
        assert_eq!(class(&ops(sql)[0]), &RawClass::Unanalysed, "{sql}");
    }
    for sql in ["DROP TYPE mood", "DROP FUNCTION touch()", "DROP EXTENSION citext", "DROP VIEW v CASCADE"] {
        assert_eq!(class(&ops(sql)[0]), &RawClass::Object, "{sql}");
    }
}
