// `seeds = 0` would run the test on no seed at all.
#[loopy::test(seeds = 0)]
async fn explores() {}

fn main() {}
