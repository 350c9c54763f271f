//! A task spawns and awaits another task; each runs under its own name and id.

#[loopy::task]
async fn leaf(n: u32) -> (u32, Option<String>, loopy::task::TaskId) {
    (n * 2, loopy::task::name(), loopy::task::id())
}

#[loopy::task(name = "parent")]
async fn twice(n: u32) -> u32 {
    let me = loopy::task::id();
    let (once, name, first) = leaf(n).await.unwrap();
    let (twice, _, second) = leaf(once).await.unwrap();
    assert_eq!(name.as_deref(), Some("leaf"));
    assert_eq!(loopy::task::name().as_deref(), Some("parent"));
    assert!(first != me && second != me && first != second);
    twice
}

#[loopy::main]
async fn main() {
    assert_eq!(twice(5).await.unwrap(), 20);
}
