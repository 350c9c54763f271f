//! Runs every case under `tests/pass` (must compile and run to success) and
//! `tests/fail` (must fail to compile with exactly the error in its `.stderr`).
//!
//! Refresh the snapshots with `TRYBUILD=overwrite cargo test -p ui-tests`; see
//! `ui-tests/README.md`.

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.pass("tests/pass/*.rs");
    cases.compile_fail("tests/fail/*.rs");
    // The cases run when `cases` is dropped here.
}
