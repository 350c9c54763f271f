// `slow_poll_ms` needs its number of milliseconds.
#[loopy::main(slow_poll_ms)]
async fn main() {}
