//! `SignalKind`: which signal, by number, with names for messages.

use std::fmt;

use rustix::process::Signal as RawSignal;

/// Which signal a `loopy::signal::unix::Signal` listens for: a signal
/// number, with
/// constructors for the common ones.
///
/// # Examples
///
/// ```
/// use loopy::signal::unix::SignalKind;
///
/// let quit = SignalKind::quit();
/// assert_eq!(SignalKind::from_raw(quit.as_raw()), quit);
/// assert_eq!(quit.to_string(), format!("SIGQUIT ({})", quit.as_raw()));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SignalKind(i32);

impl SignalKind {
    /// The signal with number `signum`, named or not (real-time signals,
    /// say). Whether it can be listened for is checked by
    /// [`signal`](crate::signal::unix::signal).
    ///
    /// # Examples
    ///
    /// ```
    /// use loopy::signal::unix::SignalKind;
    ///
    /// assert_eq!(SignalKind::from_raw(10).as_raw(), 10);
    /// ```
    pub const fn from_raw(signum: i32) -> SignalKind {
        SignalKind(signum)
    }

    /// The signal's number, as the system knows it.
    ///
    /// # Examples
    ///
    /// ```
    /// use loopy::signal::unix::SignalKind;
    ///
    /// assert_eq!(SignalKind::interrupt().as_raw(), 2);
    /// ```
    pub const fn as_raw(self) -> i32 {
        self.0
    }

    /// SIGINT: the terminal's Ctrl-C (see also
    /// [`ctrl_c`](crate::signal::ctrl_c)).
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(loopy::signal::unix::SignalKind::interrupt().to_string(), "SIGINT (2)");
    /// ```
    pub const fn interrupt() -> SignalKind {
        SignalKind(RawSignal::INT.as_raw())
    }

    /// SIGTERM: the polite request to end, sent by `kill` and by service
    /// managers on stop.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(loopy::signal::unix::SignalKind::terminate().to_string(), "SIGTERM (15)");
    /// ```
    pub const fn terminate() -> SignalKind {
        SignalKind(RawSignal::TERM.as_raw())
    }

    /// SIGQUIT: the terminal's Ctrl-\.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(loopy::signal::unix::SignalKind::quit().to_string(), "SIGQUIT (3)");
    /// ```
    pub const fn quit() -> SignalKind {
        SignalKind(RawSignal::QUIT.as_raw())
    }

    /// SIGHUP: the terminal went away; daemons take it as "reload".
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(loopy::signal::unix::SignalKind::hangup().to_string(), "SIGHUP (1)");
    /// ```
    pub const fn hangup() -> SignalKind {
        SignalKind(RawSignal::HUP.as_raw())
    }

    /// SIGUSR1: no meaning but the one a program gives it.
    ///
    /// # Examples
    ///
    /// ```
    /// use loopy::signal::unix::SignalKind;
    ///
    /// assert_ne!(SignalKind::user_defined1(), SignalKind::user_defined2());
    /// ```
    pub const fn user_defined1() -> SignalKind {
        SignalKind(RawSignal::USR1.as_raw())
    }

    /// SIGUSR2: no meaning but the one a program gives it.
    ///
    /// # Examples
    ///
    /// ```
    /// use loopy::signal::unix::SignalKind;
    ///
    /// assert!(SignalKind::user_defined2().to_string().starts_with("SIGUSR2"));
    /// ```
    pub const fn user_defined2() -> SignalKind {
        SignalKind(RawSignal::USR2.as_raw())
    }
}

/// The signals that have a name everywhere loopy runs, for messages.
const NAMES: &[(RawSignal, &str)] = &[
    (RawSignal::HUP, "SIGHUP"),
    (RawSignal::INT, "SIGINT"),
    (RawSignal::QUIT, "SIGQUIT"),
    (RawSignal::ILL, "SIGILL"),
    (RawSignal::TRAP, "SIGTRAP"),
    (RawSignal::ABORT, "SIGABRT"),
    (RawSignal::BUS, "SIGBUS"),
    (RawSignal::FPE, "SIGFPE"),
    (RawSignal::KILL, "SIGKILL"),
    (RawSignal::USR1, "SIGUSR1"),
    (RawSignal::SEGV, "SIGSEGV"),
    (RawSignal::USR2, "SIGUSR2"),
    (RawSignal::PIPE, "SIGPIPE"),
    (RawSignal::ALARM, "SIGALRM"),
    (RawSignal::TERM, "SIGTERM"),
    (RawSignal::CHILD, "SIGCHLD"),
    (RawSignal::CONT, "SIGCONT"),
    (RawSignal::STOP, "SIGSTOP"),
    (RawSignal::TSTP, "SIGTSTP"),
    (RawSignal::TTIN, "SIGTTIN"),
    (RawSignal::TTOU, "SIGTTOU"),
    (RawSignal::URG, "SIGURG"),
    (RawSignal::XCPU, "SIGXCPU"),
    (RawSignal::XFSZ, "SIGXFSZ"),
    (RawSignal::VTALARM, "SIGVTALRM"),
    (RawSignal::PROF, "SIGPROF"),
    (RawSignal::WINCH, "SIGWINCH"),
    (RawSignal::IO, "SIGIO"),
    (RawSignal::SYS, "SIGSYS"),
];

/// `SIGQUIT (3)`, or `signal 40` for a signal without a name here.
impl fmt::Display for SignalKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match NAMES.iter().find(|(raw, _)| raw.as_raw() == self.0) {
            Some((_, name)) => write!(f, "{name} ({})", self.0),
            None => write!(f, "signal {}", self.0),
        }
    }
}
