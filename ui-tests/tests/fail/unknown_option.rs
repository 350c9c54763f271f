// An option the attribute does not know; the message lists the valid ones.
#[loopy::task(nmae = "worker")]
async fn work() {}

fn main() {
    let _ = work;
}
