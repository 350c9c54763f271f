// The test harness calls a test with no arguments.
#[loopy::test]
async fn checks(input: u32) {
    assert_eq!(input, 1);
}

fn main() {}
