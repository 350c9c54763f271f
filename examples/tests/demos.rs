//! `cargo run --example demos` prints every line of its transcript, in order,
//! and exits with status 0.

mod support;

use std::time::Duration;

use support::{Example, Line};

/// The demos' output with every `127.0.0.1:PORT` written as `ADDR` and
/// every task number as `N`, except for the server's "New connection"
/// line, whose place relative to the client's first line is up to the
/// scheduler; the cancelled workers' cleanup lines, whose order is too,
/// are sorted.
const EXPECTED: &[&str] = &[
    "--- Sleep Demo ---",
    "Start",
    "One",
    "Two",
    "End sleep demo",
    "--- Socket Demo ---",
    "Server listening on ADDR",
    "Client sending: Hello from the client!",
    "Received from ADDR: Hello from the client!",
    "Client received: Hello from the client!",
    "Client sending: This is a test message",
    "Received from ADDR: This is a test message",
    "Client received: This is a test message",
    "Client sending: Goodbye!",
    "Received from ADDR: Goodbye!",
    "Client received: Goodbye!",
    "Client finished sending messages",
    "Connection closed from ADDR",
    "Socket demo finished",
    "--- Cancellation Demo ---",
    "Long-running task iteration 1",
    "Long-running task iteration 2",
    "Long-running task iteration 3",
    "Cancelling the task...",
    "Long-running task cleanup",
    "The joiner saw the task cancelled: task N was cancelled",
    "Cancellation demo finished",
    "--- Task Group Demo ---",
    "Worker 2 cleanup",
    "First failure: worker 2 ran out of work; cancelling the rest",
    "Worker 1 cleanup",
    "Worker 3 cleanup",
    "2 workers cancelled",
    "Task group demo finished",
    "All demos completed successfully!",
];

#[test]
fn demos_print_every_line_in_order_and_exit_0() {
    let mut demos = Example::start("demos", &[]);
    let lines = demos.all_lines();
    assert!(demos.exit_status().success());
    let texts: Vec<&str> = lines.iter().map(|line| line.text.as_str()).collect();

    // The server's line for the new connection comes after it listens and
    // before it receives anything; it names the client's address, which
    // every later server line repeats.
    let new_connection = texts
        .iter()
        .position(|text| text.starts_with("New connection from 127.0.0.1:"))
        .unwrap_or_else(|| panic!("no New connection line in {texts:#?}"));
    let listening = texts
        .iter()
        .position(|text| text.starts_with("Server listening on"));
    let first_received = texts
        .iter()
        .position(|text| text.starts_with("Received from"));
    assert!(listening < Some(new_connection) && Some(new_connection) < first_received);
    let client = texts[new_connection].trim_start_matches("New connection from ");
    for text in &texts {
        if let Some(rest) = text
            .strip_prefix("Received from ")
            .or_else(|| text.strip_prefix("Connection closed from "))
        {
            assert!(
                rest.starts_with(client),
                "{text:?} names another client than {client}"
            );
        }
    }

    let mut normalized: Vec<String> = texts.iter().map(|text| normalize(text)).collect();
    normalized.remove(new_connection);
    if let Some(failure) = normalized
        .iter()
        .position(|text| text.starts_with("First failure"))
    {
        let cancelled = failure + 1..(failure + 3).min(normalized.len());
        normalized[cancelled].sort();
    }
    assert_eq!(normalized, EXPECTED);

    // The sleeps really slept: One, Two and End come a second apart (with
    // slack for the reading threads, never an upper bound).
    let at = |text: &str| -> &Line { lines.iter().find(|line| line.text == text).unwrap() };
    let start = at("Start").at;
    let slack = Duration::from_millis(500);
    assert!(at("One").at.duration_since(start) + slack >= Duration::from_secs(1));
    assert!(at("Two").at.duration_since(start) + slack >= Duration::from_secs(2));
    assert!(at("End sleep demo").at.duration_since(start) + slack >= Duration::from_secs(3));
}

/// `text` with each `127.0.0.1:PORT` replaced by `ADDR` and each `task K`
/// by `task N`.
fn normalize(text: &str) -> String {
    let text = replace_number_after(text, "127.0.0.1:", "ADDR");
    replace_number_after(&text, "task ", "task N")
}

/// `text` with every `prefix` followed by digits replaced by `with`.
fn replace_number_after(text: &str, prefix: &str, with: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(found) = rest.find(prefix) {
        let after = &rest[found + prefix.len()..];
        let digits = after.len() - after.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        out.push_str(&rest[..found]);
        if digits > 0 {
            out.push_str(with);
        } else {
            out.push_str(prefix);
        }
        rest = &after[digits..];
    }
    out.push_str(rest);
    out
}
