// `#[loopy::task]` needs an `async fn`.
#[loopy::task]
fn work() -> u32 {
    7
}

fn main() {
    let _ = work;
}
