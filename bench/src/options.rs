//! The command line.

use crate::suite::runtime::Contender;
use crate::suite::scenario::Scenario;
use crate::suite::sizes::Sizes;

/// Printed after a bad argument.
pub const USAGE: &str = "\
usage: cargo bench -p loopy-bench -- [--smoke] [--reps N] [--only SCENARIO,..] [--contender NAME,..]

  --smoke          tiny sizes and 1 repetition (what `cargo test` runs)
  --reps N         repetitions of each scenario per contender (default 5)
  --only LIST      scenarios to run, by name (default: all)
  --contender LIST contenders to run: loopy, tokio, tokio-local, smol, raw, raw-epoll (default: all)";

/// What one run of the bench does.
pub struct Options {
    /// Whether `--smoke` was given: shown in the table's header line.
    pub smoke: bool,
    /// The workload sizes: full, or tiny under `--smoke`.
    pub sizes: Sizes,
    /// How many times each contender runs each scenario.
    pub reps: usize,
    /// The scenarios to run, in table order.
    pub scenarios: Vec<Scenario>,
    /// The contenders to run, in the interleaving order.
    pub contenders: Vec<Contender>,
}

impl Options {
    /// Reads the arguments after the program name. `--bench`, which
    /// `cargo bench` passes to every bench target, is ignored.
    ///
    /// # Errors
    ///
    /// A message naming the argument that was not understood.
    pub fn parse(mut args: impl Iterator<Item = String>) -> Result<Self, String> {
        let mut smoke = false;
        let mut reps = None;
        let mut scenarios = Scenario::ALL.to_vec();
        let mut contenders = Contender::ALL.to_vec();
        while let Some(arg) = args.next() {
            let mut value = || args.next().ok_or(format!("`{arg}` needs a value"));
            match arg.as_str() {
                "--bench" => {}
                "--smoke" => smoke = true,
                "--reps" => {
                    let value = value()?;
                    match value.parse() {
                        Ok(n) if n > 0 => reps = Some(n),
                        _ => return Err(format!("`--reps {value}`: expected a count above 0")),
                    }
                }
                "--only" => scenarios = pick(&value()?, Scenario::ALL, Scenario::name)?,
                "--contender" => contenders = pick(&value()?, Contender::ALL, Contender::name)?,
                _ => return Err(format!("unknown argument `{arg}`")),
            }
        }
        Ok(Self {
            smoke,
            sizes: if smoke { Sizes::SMOKE } else { Sizes::FULL },
            reps: reps.unwrap_or(if smoke { 1 } else { 5 }),
            scenarios,
            contenders,
        })
    }
}

/// The items of `all` named in the comma-separated `list`, kept in `all`'s order.
fn pick<T: Copy, const N: usize>(
    list: &str,
    all: [T; N],
    name: fn(T) -> &'static str,
) -> Result<Vec<T>, String> {
    let wanted: Vec<&str> = list.split(',').map(str::trim).collect();
    if let Some(unknown) = wanted.iter().find(|w| !all.iter().any(|&t| name(t) == **w)) {
        let known: Vec<&str> = all.iter().map(|&t| name(t)).collect();
        return Err(format!(
            "unknown name `{unknown}`; expected one of {}",
            known.join(", ")
        ));
    }
    Ok(all
        .into_iter()
        .filter(|&t| wanted.contains(&name(t)))
        .collect())
}
