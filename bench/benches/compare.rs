//! The bench: `cargo bench -p loopy-bench [-- OPTIONS]` prints one markdown
//! table of loopy beside its peers. The code is in `src/suite.rs`.

#[path = "../src/suite.rs"]
mod suite;

use std::process::ExitCode;

fn main() -> ExitCode {
    match suite::run(std::env::args().skip(1)) {
        Ok(table) => {
            print!("{table}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("loopy-bench: {message}");
            ExitCode::from(2)
        }
    }
}
