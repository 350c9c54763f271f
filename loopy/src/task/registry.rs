//! The runtime's list of live tasks.
//!
//! A task that is waiting on I/O or a timer is referenced only by wakers
//! parked elsewhere. To drop every pending task when the runtime is dropped
//! (so their destructors run), the runtime keeps one reference to each live
//! task here, in a slab. A task learns its slot before it is made, from
//! [`TaskRegistry::vacant`], and carries it in its state word. Insert and
//! remove are O(1). Names live beside the slots, in a map that
//! is empty, and costs nothing, while no task has a name.

use std::collections::HashMap;

use super::raw::LocalTask;
use super::TaskId;

/// The live tasks of one runtime, and the names of the named ones.
pub(crate) struct TaskRegistry {
    /// One reference per live task; `None` marks a free slot.
    slots: Vec<Option<LocalTask>>,
    /// Indexes of the free slots, reused first.
    free: Vec<u32>,
    /// Names given through `task::Builder::name`.
    names: HashMap<TaskId, Box<str>>,
}

impl TaskRegistry {
    pub(crate) fn new() -> TaskRegistry {
        TaskRegistry {
            slots: Vec::new(),
            free: Vec::new(),
            names: HashMap::new(),
        }
    }

    /// The slot the next [`insert`](TaskRegistry::insert) fills.
    ///
    /// # Panics
    ///
    /// When the runtime already has `u32::MAX` live tasks.
    #[inline]
    pub(crate) fn vacant(&self) -> u32 {
        match self.free.last() {
            Some(&slot) => slot,
            None => u32::try_from(self.slots.len())
                .expect("loopy supports at most u32::MAX live tasks per runtime"),
        }
    }

    /// Keeps `task`, made for the slot [`vacant`](TaskRegistry::vacant)
    /// gave since the last insert.
    #[inline]
    pub(crate) fn insert(&mut self, task: LocalTask, name: Option<Box<str>>) {
        let slot = task.header().state.slot();
        if let Some(name) = name {
            self.names.insert(task.header().id, name);
        }
        if slot as usize == self.slots.len() {
            self.slots.push(Some(task));
        } else {
            let reused = self.free.pop();
            debug_assert_eq!(reused, Some(slot), "a task fills the vacant slot");
            self.slots[slot as usize] = Some(task);
        }
    }

    /// Forgets a task that completed, returning the registry's reference.
    pub(crate) fn remove(&mut self, task: &LocalTask) -> Option<LocalTask> {
        let slot = task.header().state.slot();
        let entry = self.slots.get_mut(slot as usize)?.take()?;
        self.free.push(slot);
        if !self.names.is_empty() {
            self.names.remove(&task.header().id);
        }
        Some(entry)
    }

    pub(crate) fn name(&self, id: TaskId) -> Option<&str> {
        self.names.get(&id).map(|name| &**name)
    }

    /// The id of the task in `slot`, if one is there.
    pub(crate) fn id_at(&self, slot: u32) -> Option<TaskId> {
        let task = self.slots.get(slot as usize)?.as_ref()?;
        Some(task.header().id)
    }

    /// The live tasks, in slot order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &LocalTask> {
        self.slots.iter().flatten()
    }

    pub(crate) fn len(&self) -> usize {
        self.slots.len() - self.free.len()
    }

    /// Empties the registry, handing back every live task.
    pub(crate) fn take_all(&mut self) -> Vec<LocalTask> {
        self.free.clear();
        self.names.clear();
        std::mem::take(&mut self.slots)
            .into_iter()
            .flatten()
            .collect()
    }
}
