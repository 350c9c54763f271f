// Every mistake in the seed options is reported at once: an unknown
// option, a repeated one, and `seed` beside `seeds`.
#[loopy::test(seeed = 3, start_paused, start_paused, seed = 1, seeds = 8)]
async fn explores() {}

fn main() {}
