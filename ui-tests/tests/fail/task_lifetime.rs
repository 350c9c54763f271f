// A task owns its inputs: a type that borrows through a lifetime is a borrow too.
struct Parser<'a> {
    input: &'a str,
}

#[loopy::task]
async fn parse<'a>(parser: Parser<'a>) -> usize {
    parser.input.len()
}

fn main() {
    let _ = parse;
}
