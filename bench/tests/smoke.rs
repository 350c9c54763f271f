//! The bench's smoke mode: every scenario for every contender, with tiny
//! sizes, so the bench cannot rot. Each scenario checks its own results (the
//! sum of joined outputs, every echoed byte, the token's hop count) and panics
//! on a wrong one, which fails the test; these tests read the table it returns.

#[path = "../src/suite.rs"]
mod suite;

use std::sync::{Mutex, PoisonError};

/// The contenders, in column order.
const CONTENDERS: [&str; 6] = ["loopy", "tokio", "tokio-local", "smol", "raw", "raw-epoll"];

/// The raw loops, which have no tasks and so run only the I/O scenarios.
const RAW: [&str; 2] = ["raw", "raw-epoll"];

/// Every scenario, and whether the raw loops run it (they run only I/O).
const SCENARIOS: [(&str, bool); 9] = [
    ("spawn_join", false),
    ("yield_pingpong", false),
    ("wake_chain", false),
    ("timers", false),
    ("timers_10k", false),
    ("tcp_echo_inproc", true),
    ("tcp_echo_external", true),
    ("memory_task", false),
    ("memory_conn", true),
];

/// Held during each run: the counting allocator sees every thread, so two
/// tests at once would count each other's allocations in the memory scenarios.
static ONE_RUN_AT_A_TIME: Mutex<()> = Mutex::new(());

/// Runs the bench as `cargo bench -p loopy-bench -- ARGS` would.
fn bench(args: &[&str]) -> Result<String, String> {
    let _alone = ONE_RUN_AT_A_TIME
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    suite::run(args.iter().map(|arg| arg.to_string()))
}

/// The table's rows as cells, header first, without the alignment rule.
fn rows(table: &str) -> Vec<Vec<String>> {
    table
        .lines()
        .filter(|line| line.starts_with('|') && !line.starts_with("|---"))
        .map(|line| {
            line.trim_matches('|')
                .split('|')
                .map(|c| c.trim().to_owned())
                .collect()
        })
        .collect()
}

#[test]
fn smoke_runs_every_scenario_for_every_contender() {
    let table = bench(&["--smoke"]).expect("the smoke run");
    let rows = rows(&table);
    let header = &rows[0];
    assert_eq!(header[2..8], CONTENDERS, "contender columns:\n{table}");
    assert_eq!(
        header[8..],
        [
            "loopy/tokio",
            "loopy/tokio-local",
            "loopy/smol",
            "loopy/raw",
            "loopy/raw-epoll"
        ]
    );

    for (scenario, raw) in SCENARIOS {
        let group: Vec<&Vec<String>> = rows.iter().filter(|row| row[0] == scenario).collect();
        assert!(!group.is_empty(), "no row for {scenario}:\n{table}");
        for row in group {
            let metric = &row[1];
            for (contender, cell) in CONTENDERS.iter().zip(&row[2..8]) {
                if RAW.contains(contender) && !raw {
                    assert_eq!(cell, "n/a", "{scenario} {metric}: {contender} has no tasks");
                    continue;
                }
                let value: f64 = cell
                    .parse()
                    .unwrap_or_else(|_| panic!("{scenario} {metric} {contender}: `{cell}`"));
                if metric.starts_with("fired early") {
                    assert_eq!(value, 0.0, "{scenario}: {contender} fired timers early");
                } else if metric.contains("/s") {
                    assert!(value > 0.0, "{scenario} {metric} {contender}: {value}");
                }
            }
        }
    }
}

#[test]
fn only_and_contender_narrow_the_run_to_one_cell() {
    let table = bench(&["--smoke", "--only", "tcp_echo_inproc", "--contender", "raw"])
        .expect("the narrowed run");
    let rows = rows(&table);
    assert_eq!(rows.len(), 2, "header and one row:\n{table}");
    assert_eq!(rows[0], ["scenario", "metric", "raw"]);
    assert_eq!(rows[1][..2], ["tcp_echo_inproc", "k round trips/s ↑"]);
}

#[test]
fn an_unknown_name_is_refused_with_the_known_ones() {
    let message = bench(&["--only", "spawn_jion"]).expect_err("a misspelt scenario");
    assert!(message.contains("unknown name `spawn_jion`"), "{message}");
    assert!(message.contains("spawn_join"), "{message}");
    assert!(message.contains("usage: cargo bench"), "{message}");
}

#[test]
fn the_bench_flag_from_cargo_bench_is_ignored() {
    let table = bench(&[
        "--bench",
        "--smoke",
        "--only",
        "spawn_join",
        "--contender",
        "loopy",
    ])
    .expect("`--bench` is accepted");
    assert_eq!(rows(&table).len(), 2, "header and one row:\n{table}");
}
