// `main` is called by the program's start, which passes nothing.
#[loopy::main]
async fn main(port: u16) {
    println!("{port}");
}
