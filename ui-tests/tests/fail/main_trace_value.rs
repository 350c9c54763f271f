// `trace` is a flag: it takes no value.
#[loopy::main(trace = true)]
async fn main() {}
