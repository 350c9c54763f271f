// `#[loopy::main]` needs an `async fn`.
#[loopy::main]
fn main() {}
