// `#[loopy::test]` adds `#[test]` itself.
#[loopy::test]
#[test]
async fn checks() {}

fn main() {}
