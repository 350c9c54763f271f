//! `slow_poll_ms` sets the slow-poll threshold; `trace` and it go together.

#[loopy::task(name = "quick")]
async fn quick() -> u64 {
    loopy::task::list()
        .iter()
        .find(|task| task.name() == Some("quick"))
        .map(|task| task.polls())
        .unwrap()
}

#[loopy::main(trace, slow_poll_ms = 250)]
async fn main() {
    // Its first poll is under way while it lists itself.
    assert_eq!(quick().await.unwrap(), 0);
}
