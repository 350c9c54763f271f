// Every independent mistake is reported at once, and callers of the functions
// still compile against the signatures the attributes would have written.
#[loopy::task(nmae = "fetcher")]
fn fetch(url: &str) -> usize {
    url.len()
}

#[loopy::main(trac)]
async fn count() -> usize {
    fetch("http://127.0.0.1/").await.unwrap()
}

fn main() {
    let handle: loopy::JoinHandle<usize> = fetch("http://127.0.0.1/");
    handle.cancel();
    let total: usize = count();
    println!("{total}");
}
