//! `#[loopy::main]` returns what the body returns, so the program's `main`
//! accepts what a plain `fn main` accepts: `i32` is not a `Termination`.

#[loopy::main]
async fn main() -> i32 {
    0
}
