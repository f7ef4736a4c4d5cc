// Rebuild the crate when a migration file is added, changed or removed.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
