//! The expansions compile in a crate whose own names shadow the prelude, the
//! standard crates and loopy's item names.
#![allow(dead_code)]

type Result<T> = ::core::result::Result<T, String>;
enum Option {}
struct Box;
struct Future;
struct Pin;
struct JoinHandle;
struct Runtime;
fn spawn() {}
fn test() {}
mod core {}
mod std {}
mod task {}
mod __private {}

#[loopy::task]
async fn parse(text: String) -> Result<u32> {
    text.parse::<u32>().map_err(|error| error.to_string())
}

#[loopy::test]
async fn parses() -> Result<()> {
    assert_eq!(parse("7".to_string()).await.unwrap()?, 7);
    Ok(())
}

#[loopy::main]
async fn main() -> Result<()> {
    assert_eq!(parse("12".to_string()).await.unwrap()?, 12);
    assert!(parse("twelve".to_string()).await.unwrap().is_err());
    Ok(())
}
