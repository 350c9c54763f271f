// A task outlives the call that spawns it, so it cannot take `self`.
struct Counter {
    count: u32,
}

impl Counter {
    #[loopy::task]
    async fn count(&self) -> u32 {
        self.count
    }
}

fn main() {
    let _ = Counter { count: 0 };
}
