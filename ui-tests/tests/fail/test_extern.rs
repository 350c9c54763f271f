// A test is called by the harness with Rust's ABI; it cannot be `extern`.
#[loopy::test]
async extern "C" fn checks() {}

fn main() {}
