// `#[loopy::test]` needs an `async fn`.
#[loopy::test]
fn checks() {}

fn main() {}
