//! The workload sizes: the fixed ones the table is measured with, and the tiny
//! ones of the smoke mode that `cargo test` runs so the bench cannot rot.

/// How many connections echo how many 64-byte messages each.
#[derive(Clone, Copy, Debug)]
pub struct Echo {
    /// Client connections, each with its own server connection.
    pub conns: usize,
    /// Round trips on each connection.
    pub rounds: usize,
}

impl Echo {
    /// Round trips in all.
    pub fn round_trips(self) -> usize {
        self.conns * self.rounds
    }
}

/// One size per scenario.
#[derive(Clone, Copy, Debug)]
pub struct Sizes {
    /// spawn_join: tasks spawned and joined.
    pub spawn_join: usize,
    /// group_join_10k, taskgroup_join_10k and spawn_join_10k: children per round.
    pub group_children: usize,
    /// group_join_10k, taskgroup_join_10k and spawn_join_10k: rounds, each spawning and joining
    /// `group_children` children.
    pub group_rounds: usize,
    /// yield_pingpong: yields by each of the two tasks.
    pub yields: usize,
    /// wake_chain: tasks in the ring.
    pub ring: usize,
    /// wake_chain: wakes in all (a multiple of `ring`).
    pub wakes: usize,
    /// timers: sleeping tasks in the big run.
    pub timers: usize,
    /// timers: sleeping tasks in the small run, whose lateness is the fair one
    /// (in the big run, the last tasks are spawned after the first deadlines).
    pub timers_small: usize,
    /// tcp_echo_inproc and tcp_echo_external.
    pub echo: Echo,
    /// memory: tasks parked on a future that is never ready.
    pub idle_tasks: usize,
    /// memory: accepted connections held idle.
    pub idle_conns: usize,
}

impl Sizes {
    /// The sizes of the issue, used for the README's table.
    pub const FULL: Sizes = Sizes {
        spawn_join: 200_000,
        group_children: 10_000,
        group_rounds: 20,
        yields: 500_000,
        ring: 1_000,
        wakes: 1_000_000,
        timers: 100_000,
        timers_small: 10_000,
        echo: Echo {
            conns: 64,
            rounds: 1_000,
        },
        idle_tasks: 100_000,
        idle_conns: 1_000,
    };

    /// Tiny sizes that still go through every code path.
    pub const SMOKE: Sizes = Sizes {
        spawn_join: 1_000,
        group_children: 100,
        group_rounds: 2,
        yields: 1_000,
        ring: 10,
        wakes: 1_000,
        timers: 200,
        timers_small: 20,
        echo: Echo {
            conns: 4,
            rounds: 20,
        },
        idle_tasks: 1_000,
        idle_conns: 20,
    };
}
