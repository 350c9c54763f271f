// The attributes go on functions, not on other items.
#[loopy::main]
struct App;

fn main() {
    let _ = App;
}
