// `main` is called by the program's start, which chooses no types.
#[loopy::main]
async fn main<T: Default>() {
    let _ = T::default();
}
