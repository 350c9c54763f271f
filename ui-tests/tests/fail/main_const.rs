// An entry point runs a loop; it cannot be `const`.
#[loopy::main]
const async fn main() {}
