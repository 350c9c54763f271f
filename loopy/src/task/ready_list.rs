//! Which members of a scope are ready: the scope's own small run queue.
//!
//! A scope polls its body and its children itself (see `scope.rs`), so it
//! needs to know which of them a wake was for: polling all of a scope's
//! 100,000 children because one of them was woken would make every wake
//! cost the whole scope. Each member gets its own waker, a [`MemberWaker`],
//! which puts the member on the scope's [`ReadyList`] and wakes the task
//! that polls the scope, so that the loop polls the scope again.
//!
//! Wakers may be woken from any thread, so the list sits behind a mutex
//! and the wakers hold nothing of the scope but this list: no borrowed
//! data, no child futures. A waker that outlives its scope (a timer that
//! still holds it after the scope was dropped or forgotten) only adds an
//! entry nobody reads and wakes a task that finds nothing to do.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Wake, Waker};

use crate::unwind;

/// A member of a scope: its body, or the child in one slot.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Member {
    /// The future the scope's closure returned.
    Body,
    /// The child in this slot of the scope's child table.
    Child(usize),
}

/// The members woken since the scope last looked, and who polls the scope.
#[derive(Default)]
pub(crate) struct ReadyList {
    /// Behind a mutex only because wakers may be woken on other threads.
    inner: Mutex<Ready>,
}

/// What the mutex guards.
#[derive(Default)]
struct Ready {
    /// Woken members, oldest first; a member appears once until it is polled.
    members: Vec<Member>,
    /// The waker of the task polling the scope, from its latest poll.
    poller: Option<Waker>,
}

impl ReadyList {
    /// Remembers `waker` as the one to wake when a member becomes ready.
    pub(crate) fn set_poller(&self, waker: &Waker) {
        let mut ready = unwind::lock(&self.inner);
        match &ready.poller {
            Some(old) if old.will_wake(waker) => {}
            _ => ready.poller = Some(waker.clone()),
        }
    }

    /// Takes every member woken so far; members woken from now on wake the
    /// poller again.
    pub(crate) fn take(&self) -> Vec<Member> {
        std::mem::take(&mut unwind::lock(&self.inner).members)
    }

    /// Queues `member` and wakes the poller if the list was empty (if it
    /// was not, the poller has been woken already and has not looked yet).
    fn push(&self, member: Member) {
        let poller = {
            let mut ready = unwind::lock(&self.inner);
            ready.members.push(member);
            if ready.members.len() > 1 {
                return;
            }
            ready.poller.clone()
        };
        if let Some(poller) = poller {
            unwind::wake_contained(poller);
        }
    }
}

/// The waker of one member of a scope.
pub(crate) struct MemberWaker {
    /// Which member this waker is for.
    member: Member,
    /// Whether the member is on the ready list already, so that a member
    /// woken many times before it is polled is listed once. Also tells a
    /// fresh entry from a stale one: a slot may hold a new child by the
    /// time an old child's waker fires, and the new child's flag is clear.
    queued: AtomicBool,
    /// Where the member goes when woken.
    list: Arc<ReadyList>,
}

impl MemberWaker {
    /// A waker for `member`, which starts out ready (on the list).
    pub(crate) fn new_ready(member: Member, list: &Arc<ReadyList>) -> Arc<MemberWaker> {
        let waker = Arc::new(MemberWaker {
            member,
            queued: AtomicBool::new(false),
            list: Arc::clone(list),
        });
        waker.wake_by_ref();
        waker
    }

    /// Takes the member off the list before it is polled, so that a wake
    /// during the poll lists it again. `false` if it was not listed: the
    /// entry was a stale one, for an earlier owner of the slot.
    pub(crate) fn unqueue(&self) -> bool {
        self.queued.swap(false, Ordering::AcqRel)
    }
}

impl Wake for MemberWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        if !self.queued.swap(true, Ordering::AcqRel) {
            self.list.push(self.member);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::task::tests::CountingWaker;

    #[test]
    fn a_member_woken_twice_is_listed_once_and_wakes_the_poller_once() {
        let list = Arc::new(ReadyList::default());
        let poller = Arc::new(CountingWaker::default());
        list.set_poller(&Waker::from(Arc::clone(&poller)));
        let child = MemberWaker::new_ready(Member::Child(3), &list);
        let waker = Waker::from(Arc::clone(&child));
        waker.wake_by_ref();
        waker.wake_by_ref();
        assert_eq!(list.take(), vec![Member::Child(3)]);
        assert_eq!(poller.wakes(), 1);
        assert!(child.unqueue());
        waker.wake_by_ref();
        assert_eq!(list.take(), vec![Member::Child(3)]);
        assert_eq!(poller.wakes(), 2);
    }

    #[test]
    fn a_stale_entry_is_told_apart() {
        let list = Arc::new(ReadyList::default());
        let old = MemberWaker::new_ready(Member::Child(0), &list);
        assert!(old.unqueue());
        Waker::from(old).wake();
        let new = MemberWaker::new_ready(Member::Child(0), &list);
        assert!(new.unqueue());
        assert!(!new.unqueue(), "the second entry for slot 0 is stale");
    }
}
