// `slow_poll_ms` takes a whole number of milliseconds, not a string.
#[loopy::main(slow_poll_ms = "100")]
async fn main() {}
