//! The workloads. Each is one generic function over [`Runtime`], so every
//! runtime runs the same code; the I/O ones also have a raw version in
//! [`crate::suite::raw`], run on `polling` and on epoll. Each run checks its own result (sums, echoed bytes) and
//! panics if it is wrong, so a fast wrong answer never reaches the table.

mod echo;
mod group_join;
mod memory;
mod spawn_join;
mod tcp_echo_external;
mod tcp_echo_inproc;
mod timers;
mod wake_chain;
mod yield_pingpong;

pub use self::echo::{message, BUF_LEN, MESSAGE_LEN};

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use crate::suite::raw::{self, Epoll};
use crate::suite::runtime::{Contender, Loopy, Runtime, Smol, Spawn, SpawnLocal, Tokio};
use crate::suite::sizes::Sizes;

/// Where every scenario listens: loopback, with a port the OS picks.
pub const LOCALHOST: SocketAddr = SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0);

/// One number a scenario reports.
pub struct Metric {
    /// The table's name for it, with its unit.
    pub name: &'static str,
    /// Whether a bigger number is the better one.
    pub higher_is_better: bool,
}

/// A throughput: bigger is better.
const fn per_second(name: &'static str) -> Metric {
    Metric {
        name,
        higher_is_better: true,
    }
}

/// A time, a lateness or a size: smaller is better.
const fn cost(name: &'static str) -> Metric {
    Metric {
        name,
        higher_is_better: false,
    }
}

/// One row group of the table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scenario {
    /// Spawn tasks that return a number; join them all.
    SpawnJoin,
    /// Spawn 10,000 children the structured way (a scope, a `JoinSet`);
    /// join them all; again and again.
    GroupJoin,
    /// The same with loopy's `TaskGroup` (the tokio rows are a `JoinSet`
    /// again: the group for `'static` tasks against tokio's).
    TaskGroupJoin,
    /// The same with plain spawn and one handle per child.
    SpawnJoinSmall,
    /// Two tasks yield in turn.
    YieldPingpong,
    /// A token goes round a ring of tasks, one wake per hop.
    WakeChain,
    /// 100,000 tasks sleep 1-50 ms each.
    Timers,
    /// 10,000 tasks sleep 1-50 ms each: the run to read lateness from.
    TimersSmall,
    /// Echo server and clients in one loop.
    TcpEchoInproc,
    /// Echo server in the loop, blocking clients on another thread.
    TcpEchoExternal,
    /// Heap bytes per task parked forever.
    MemoryTask,
    /// Heap bytes per accepted connection held idle.
    MemoryConn,
}

impl Scenario {
    /// Every scenario, in table order.
    pub const ALL: [Scenario; 12] = [
        Scenario::SpawnJoin,
        Scenario::GroupJoin,
        Scenario::TaskGroupJoin,
        Scenario::SpawnJoinSmall,
        Scenario::YieldPingpong,
        Scenario::WakeChain,
        Scenario::Timers,
        Scenario::TimersSmall,
        Scenario::TcpEchoInproc,
        Scenario::TcpEchoExternal,
        Scenario::MemoryTask,
        Scenario::MemoryConn,
    ];

    /// The name in the table, also accepted by `--only`.
    pub fn name(self) -> &'static str {
        match self {
            Scenario::SpawnJoin => "spawn_join",
            Scenario::GroupJoin => "group_join_10k",
            Scenario::TaskGroupJoin => "taskgroup_join_10k",
            Scenario::SpawnJoinSmall => "spawn_join_10k",
            Scenario::YieldPingpong => "yield_pingpong",
            Scenario::WakeChain => "wake_chain",
            Scenario::Timers => "timers",
            Scenario::TimersSmall => "timers_10k",
            Scenario::TcpEchoInproc => "tcp_echo_inproc",
            Scenario::TcpEchoExternal => "tcp_echo_external",
            Scenario::MemoryTask => "memory_task",
            Scenario::MemoryConn => "memory_conn",
        }
    }

    /// What [`Scenario::run`] returns, in order.
    pub fn metrics(self) -> &'static [Metric] {
        const SPAWN_JOIN: &[Metric] = &[per_second("M tasks/s")];
        const CHILDREN: &[Metric] = &[per_second("M children/s")];
        const YIELD: &[Metric] = &[per_second("M switches/s")];
        const WAKE: &[Metric] = &[per_second("M wakes/s")];
        const TIMERS: &[Metric] = &[
            cost("wall ms"),
            cost("mean late µs"),
            cost("max late µs"),
            cost("fired early"),
        ];
        const ECHO_INPROC: &[Metric] = &[per_second("k round trips/s")];
        const ECHO_EXTERNAL: &[Metric] = &[
            per_second("k round trips/s"),
            cost("p50 µs"),
            cost("p99 µs"),
        ];
        const MEMORY_TASK: &[Metric] = &[cost("bytes/idle task")];
        const MEMORY_CONN: &[Metric] = &[cost("bytes/idle conn")];
        match self {
            Scenario::SpawnJoin => SPAWN_JOIN,
            Scenario::GroupJoin | Scenario::TaskGroupJoin | Scenario::SpawnJoinSmall => CHILDREN,
            Scenario::YieldPingpong => YIELD,
            Scenario::WakeChain => WAKE,
            Scenario::Timers | Scenario::TimersSmall => TIMERS,
            Scenario::TcpEchoInproc => ECHO_INPROC,
            Scenario::TcpEchoExternal => ECHO_EXTERNAL,
            Scenario::MemoryTask => MEMORY_TASK,
            Scenario::MemoryConn => MEMORY_CONN,
        }
    }

    /// Runs the scenario once on `contender`; `None` if it has no such
    /// scenario (the raw loops have no tasks, so they only do I/O).
    pub fn run(self, contender: Contender, sizes: &Sizes) -> Option<Vec<f64>> {
        if matches!(self, Scenario::GroupJoin | Scenario::TaskGroupJoin) {
            return self.run_group(contender, sizes);
        }
        match contender {
            Contender::Loopy => Some(self.run_on::<Loopy>(sizes)),
            Contender::Tokio => Some(self.run_on::<Tokio<Spawn>>(sizes)),
            Contender::TokioLocal => Some(self.run_on::<Tokio<SpawnLocal>>(sizes)),
            Contender::Smol => Some(self.run_on::<Smol>(sizes)),
            Contender::Raw => self.run_raw::<polling::Poller>(sizes),
            Contender::RawEpoll => self.run_raw::<Epoll>(sizes),
        }
    }

    /// The scenario on runtime `R`.
    fn run_on<R: Runtime>(self, sizes: &Sizes) -> Vec<f64> {
        match self {
            Scenario::SpawnJoin => spawn_join::run::<R>(sizes.spawn_join),
            Scenario::GroupJoin | Scenario::TaskGroupJoin => {
                unreachable!("{} has a runner per contender", self.name())
            }
            Scenario::SpawnJoinSmall => {
                group_join::spawn_handles::<R>(sizes.group_children, sizes.group_rounds)
            }
            Scenario::YieldPingpong => yield_pingpong::run::<R>(sizes.yields),
            Scenario::WakeChain => wake_chain::run::<R>(sizes.ring, sizes.wakes),
            Scenario::Timers => timers::run::<R>(sizes.timers),
            Scenario::TimersSmall => timers::run::<R>(sizes.timers_small),
            Scenario::TcpEchoInproc => tcp_echo_inproc::run::<R>(sizes.echo),
            Scenario::TcpEchoExternal => tcp_echo_external::run::<R>(sizes.echo),
            Scenario::MemoryTask => memory::idle_tasks::<R>(sizes.idle_tasks),
            Scenario::MemoryConn => memory::idle_conns::<R>(sizes.idle_conns),
        }
    }

    /// group_join_10k and taskgroup_join_10k, whose structured join each
    /// runtime spells its own way; smol has no group type, and the raw
    /// loops no tasks.
    fn run_group(self, contender: Contender, sizes: &Sizes) -> Option<Vec<f64>> {
        let (children, rounds) = (sizes.group_children, sizes.group_rounds);
        match contender {
            Contender::Loopy if self == Scenario::TaskGroupJoin => {
                Some(group_join::loopy_task_group(children, rounds))
            }
            Contender::Loopy => Some(group_join::loopy_scope(children, rounds)),
            Contender::Tokio => Some(group_join::tokio_join_set(children, rounds)),
            Contender::TokioLocal => Some(group_join::tokio_join_set_local(children, rounds)),
            Contender::Smol | Contender::Raw | Contender::RawEpoll => None,
        }
    }

    /// The scenario on the raw loop over poller `P`, if it does I/O.
    fn run_raw<P: raw::Poller>(self, sizes: &Sizes) -> Option<Vec<f64>> {
        match self {
            Scenario::TcpEchoInproc => Some(tcp_echo_inproc::run_raw::<P>(sizes.echo)),
            Scenario::TcpEchoExternal => Some(tcp_echo_external::run_raw::<P>(sizes.echo)),
            Scenario::MemoryConn => Some(memory::idle_conns_raw::<P>(sizes.idle_conns)),
            _ => None,
        }
    }
}
