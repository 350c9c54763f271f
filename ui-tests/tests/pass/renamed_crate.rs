//! `crate = "..."` for a loopy that is known under another name.

extern crate loopy as my_loopy;

#[my_loopy::task(crate = "my_loopy")]
async fn double(x: u32) -> u32 {
    x * 2
}

#[my_loopy::main(crate = "my_loopy")]
async fn main() {
    assert_eq!(double(21).await.unwrap(), 42);
}
