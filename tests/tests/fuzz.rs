//! A fixed-seed run of the fuzzer (`tests/support/fuzz.rs`): generated and
//! mutated migrations through the parser, the rules, the rollback and the
//! SQL of both dialects, none of which may panic. The long run is the
//! benchmark `cargo bench -p schemaflow-tests --bench fuzz`.

#[path = "../support/fuzz.rs"]
mod fuzz;

#[test]
fn no_generated_migration_makes_the_compile_time_path_panic() {
    let outcome = fuzz::run(0x5eed, 3_000);
    assert!(
        outcome.panics.is_empty(),
        "{} inputs panicked, the first:\n{:#?}",
        outcome.panics.len(),
        outcome.panics.first()
    );
    // The generator reaches every stage, not only the parser's errors.
    assert!(outcome.planned > outcome.inputs / 20, "{outcome:?}");
    assert!(outcome.checked > outcome.inputs / 20, "{outcome:?}");
    assert!(outcome.refused > outcome.inputs / 20, "{outcome:?}");
}
