//! A task is named after its function, or by `name = "..."`.

#[loopy::task]
async fn plain() -> Option<String> {
    loopy::task::name()
}

#[loopy::task(name = "custom name")]
async fn renamed() -> Option<String> {
    loopy::task::name()
}

#[loopy::main]
async fn main() {
    assert_eq!(plain().await.unwrap().as_deref(), Some("plain"));
    assert_eq!(renamed().await.unwrap().as_deref(), Some("custom name"));
}
