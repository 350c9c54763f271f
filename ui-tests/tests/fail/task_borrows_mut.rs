// A task owns its inputs: it cannot take `&mut T`.
#[loopy::task]
async fn fill(buffer: &mut Vec<u8>) {
    buffer.push(1);
}

fn main() {
    let _ = fill;
}
