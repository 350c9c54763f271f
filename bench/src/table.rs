//! The markdown table.

use std::fmt::Write;

use crate::suite::harness::Outcome;
use crate::suite::options::Options;
use crate::suite::runtime::Contender;

/// The header line and the table: one row per scenario metric, one column
/// per contender's median, then loopy's ratio to each peer (loopy / peer).
pub fn render(options: &Options, outcomes: &[Outcome]) -> String {
    let contenders = &options.contenders;
    let loopy = contenders.iter().position(|&c| c == Contender::Loopy);
    let peers: Vec<usize> = match loopy {
        Some(loopy) => (0..contenders.len()).filter(|&i| i != loopy).collect(),
        None => Vec::new(),
    };

    let mut out = String::new();
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    writeln!(
        out,
        "sizes: {}, reps: {} (median shown), cores: {cores}, kernel: {}; \
         ratio = loopy / peer: ↑ rows want it above 1, ↓ rows below 1\n",
        if options.smoke { "smoke" } else { "full" },
        options.reps,
        kernel.trim(),
    )
    .unwrap();

    let mut header = String::from("| scenario | metric |");
    let mut rule = String::from("|---|---|");
    for contender in contenders {
        write!(header, " {} |", contender.name()).unwrap();
        rule.push_str("---:|");
    }
    for &peer in &peers {
        write!(header, " loopy/{} |", contenders[peer].name()).unwrap();
        rule.push_str("---:|");
    }
    writeln!(out, "{header}\n{rule}").unwrap();

    for outcome in outcomes {
        for (m, metric) in outcome.scenario.metrics().iter().enumerate() {
            let value = |i: usize| outcome.medians[i].as_ref().map(|v| v[m]);
            let arrow = if metric.higher_is_better {
                "↑"
            } else {
                "↓"
            };
            write!(
                out,
                "| {} | {} {arrow} |",
                outcome.scenario.name(),
                metric.name
            )
            .unwrap();
            for i in 0..contenders.len() {
                write!(out, " {} |", value(i).map_or("n/a".into(), number)).unwrap();
            }
            for &peer in &peers {
                let ratio = match (loopy.and_then(value), value(peer)) {
                    (Some(ours), Some(theirs)) if theirs != 0.0 => format!("{:.2}x", ours / theirs),
                    _ => "–".into(),
                };
                write!(out, " {ratio} |").unwrap();
            }
            out.push('\n');
        }
    }
    out
}

/// A number with three or so significant digits.
fn number(value: f64) -> String {
    match value.abs() {
        v if v >= 100.0 || v == 0.0 => format!("{value:.0}"),
        v if v >= 10.0 => format!("{value:.1}"),
        _ => format!("{value:.2}"),
    }
}
