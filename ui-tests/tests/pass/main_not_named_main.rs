//! `#[loopy::main]` on a function not called `main`: each call runs the body
//! on a fresh runtime, and options such as `trace` parse.

use std::process::ExitCode;
use std::time::{Duration, Instant};

const PAUSE: Duration = Duration::from_millis(5);

#[loopy::main(trace)]
async fn measure() -> Duration {
    let start = Instant::now();
    loopy::sleep(PAUSE).await;
    start.elapsed()
}

#[loopy::main]
async fn exit_code() -> ExitCode {
    ExitCode::SUCCESS
}

fn main() -> ExitCode {
    assert!(measure() >= PAUSE);
    assert!(
        measure() >= PAUSE,
        "a second runtime runs as well as the first"
    );
    exit_code()
}
