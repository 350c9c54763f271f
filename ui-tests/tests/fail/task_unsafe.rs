// A task runs later, outside the caller's `unsafe` block; it cannot be `unsafe`.
#[loopy::task]
async unsafe fn poke(value: u32) -> u32 {
    value
}

fn main() {
    let _ = poke;
}
