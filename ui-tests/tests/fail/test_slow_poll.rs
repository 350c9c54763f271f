// `#[loopy::test]` takes no runtime options: a test builds its runtime as is.
#[loopy::test(slow_poll_ms = 50)]
async fn quick() {}

fn main() {}
