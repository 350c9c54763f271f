// A task's output outlives the call too, so it cannot borrow either.
#[loopy::task]
async fn first<'a>(words: Vec<&'static str>) -> &'a str {
    words[0]
}

fn main() {
    let _ = first;
}
