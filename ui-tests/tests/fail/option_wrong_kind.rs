// An option with the wrong kind of value: `name` takes a string.
#[loopy::task(name = 5)]
async fn work() {}

fn main() {
    let _ = work;
}
