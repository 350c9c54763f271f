//! `#[loopy::main]` returns what the body returns, and `?` and `return` work in
//! its body and in a task's body as in any `async fn`.

use std::error::Error;
use std::num::ParseIntError;

#[loopy::task]
async fn parse(text: String) -> Result<u32, ParseIntError> {
    if text.is_empty() {
        return Ok(0);
    }
    let number = text.trim().parse::<u32>()?;
    Ok(number)
}

#[loopy::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let answer = parse(" 42 ".to_string()).await??;
    assert_eq!(answer, 42);
    assert_eq!(parse(String::new()).await??, 0);
    assert!(parse("forty-two".to_string()).await?.is_err());
    let doubled = loopy::spawn(async move { answer * 2 }).await?;
    if doubled == 84 {
        return Ok(());
    }
    Err(format!("expected 84, got {doubled}").into())
}
