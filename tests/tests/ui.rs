//! Compile-time behaviour of `migration!`: one compile-fail case per rule
//! and per class of syntax error, each with the exact compiler output in
//! its `.stderr` file, and compile-pass cases for the safe forms.
//!
//! A case is a directory under `ui/fail/` or `ui/pass/` holding migration
//! files; the macro replays the earlier ones, and the one whose description
//! starts with `case` is compiled.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("ui/fail/*/*_case*.rs");
    t.pass("ui/pass/*/*_case*.rs");
}
