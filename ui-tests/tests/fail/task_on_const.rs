// The attributes go on functions, not on other items.
#[loopy::task]
const WORKERS: usize = 4;

fn main() {
    let _ = WORKERS;
}
