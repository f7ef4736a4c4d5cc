//! `embed_migrations!` in a real crate built by cargo: a new migration file
//! is picked up by the next `cargo build` with no manual edit and no
//! `cargo clean`, and bad file names fail the build naming the file.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// A fresh crate under `target/schemaflow-it/<name>` that embeds its
/// `migrations/` and prints the embedded versions.
fn new_crate(name: &str) -> PathBuf {
    let dir = workspace().join("target/schemaflow-it").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::create_dir_all(dir.join("migrations")).unwrap();
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n[dependencies]\nschemaflow = {{ path = {:?} }}\n\n[workspace]\n",
            workspace().join("schemaflow")
        ),
    )
    .unwrap();
    std::fs::write(dir.join("build.rs"), "fn main() {\n    println!(\"cargo:rerun-if-changed=migrations\");\n}\n")
        .unwrap();
    std::fs::write(
        dir.join("src/main.rs"),
        "schemaflow::embed_migrations!();\n\nfn main() {\n    for m in migrations() {\n        println!(\"{}\", m.id());\n    }\n}\n",
    )
    .unwrap();
    migration(
        &dir,
        "202601010000_create_users.rs",
        "create_table users { id: i64 primary_key identity, email: String }",
    );
    dir
}

fn migration(dir: &Path, file: &str, body: &str) {
    std::fs::write(dir.join("migrations").join(file), format!("schemaflow::migration! {{\n    {body}\n}}\n")).unwrap();
}

fn cargo(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO"))
        .args(args)
        .arg("--quiet")
        .arg("--manifest-path")
        .arg(dir.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", workspace().join("target/schemaflow-it/target"))
        .output()
        .expect("cargo runs")
}

fn run(dir: &Path) -> String {
    let out = cargo(dir, &["run"]);
    assert!(out.status.success(), "cargo run failed:\n{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn build_errors(dir: &Path) -> String {
    let out = cargo(dir, &["build"]);
    assert!(!out.status.success(), "the build should fail");
    String::from_utf8(out.stderr).unwrap()
}

#[test]
fn a_new_file_is_picked_up_by_the_next_build_and_checked_against_the_earlier_ones() {
    let dir = new_crate("embed_new_file");
    assert_eq!(run(&dir), "202601010000_create_users\n");

    migration(&dir, "202601020000_add_verified.rs", "alter_table users { add_column verified: bool = false }");
    assert_eq!(run(&dir), "202601010000_create_users\n202601020000_add_verified\n");

    // The next file is checked against both earlier ones.
    migration(&dir, "202601030000_add_flag.rs", "alter_table users { add_column flag: bool }");
    let errors = build_errors(&dir);
    assert!(errors.contains("SF003 add-required-column") && errors.contains("202601030000_add_flag.rs"), "{errors}");

    // Fixing it is picked up too; removing a file as well.
    migration(&dir, "202601030000_add_flag.rs", "alter_table users { add_column flag: Option<bool> }");
    assert!(run(&dir).ends_with("202601030000_add_flag\n"));
    std::fs::remove_file(dir.join("migrations/202601030000_add_flag.rs")).unwrap();
    assert_eq!(run(&dir).lines().count(), 2);
}

#[test]
fn bad_names_and_duplicate_versions_fail_the_build_naming_the_files() {
    let dir = new_crate("embed_bad_names");
    migration(&dir, "202601010000_second.rs", "create_table posts { id: i64 primary_key }");
    migration(&dir, "2026010200_AddTags.rs", "create_table tags { id: i64 primary_key }");
    let errors = build_errors(&dir);
    assert!(errors.contains("SF024 invalid-file-name"), "{errors}");
    assert!(
        errors.contains("`202601010000_create_users.rs` and `202601010000_second.rs` have the same version"),
        "{errors}"
    );
    assert!(errors.contains("2026010200_AddTags.rs"), "{errors}");
}
