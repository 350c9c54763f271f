// A task owns its inputs: it cannot take `&T`.
#[loopy::task]
async fn greet(name: &str) -> usize {
    name.len()
}

fn main() {
    let _ = greet;
}
