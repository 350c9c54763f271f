// An option given twice.
#[loopy::task(name = "first", name = "second")]
async fn work() {}

fn main() {
    let _ = work;
}
