//! The names a poll's results give, as last read (see [`NamesCache`]).

use std::collections::HashMap;
use std::sync::Mutex;

use uuid::Uuid;

use crate::domain::standing::Named;

/// The lists of a results reply that name members ([`crate::domain::standing::Roster`]'s
/// `outside`, `silent` and `proxy_answers`).
#[derive(Debug, Clone, Default)]
pub(super) struct NamedLists {
    pub outside: Vec<Named>,
    pub silent: Vec<Named>,
    pub proxy_answers: Vec<(Named, String)>,
}

impl NamedLists {
    fn len(&self) -> usize {
        self.outside.len() + self.silent.len() + self.proxy_answers.len()
    }
}

/// What the lists were read for: the roster at `changes` (the sum of its
/// `poll_tally.changes`, which every change to a named member adds to,
/// migration 14) and the question asked of it (which clocks each
/// group of options keeps up, whether anyone is silent, whether anyone
/// answered by proxy — these follow from the poll's options and the
/// roster's tallies, so two reads at the same count may still ask apart).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct NamesKey {
    pub changes: i64,
    pub sets: Vec<Vec<usize>>,
    pub silent: bool,
    pub proxies: bool,
}

/// Each poll's named lists as last read, by poll. An organiser who keeps
/// the results open re-reads them every few seconds while the roster
/// rarely changes; reading the lists was most of such a read (a few dozen
/// index ranges). The count is read with the roster's tallies in the same
/// statement on every read, from the database, so another instance's
/// change is seen at once: a copy is used only while nothing it names has
/// changed.
#[derive(Default)]
pub(super) struct NamesCache(Mutex<HashMap<Uuid, (NamesKey, NamedLists)>>);

impl NamesCache {
    /// Polls kept at most: emptied when full (the polls being read come
    /// back at their next read).
    const CAPACITY: usize = 128;
    /// Lists longer than this (a poll of hundreds of timed options, each
    /// keeping different clocks up) are read each time rather than kept,
    /// which bounds the cache to a few megabytes.
    const MOST_NAMES: usize = 400;

    pub(super) fn get(&self, poll_id: Uuid, key: &NamesKey) -> Option<NamedLists> {
        let polls = self.0.lock().ok()?;
        let kept = polls.get(&poll_id)?;
        (kept.0 == *key).then(|| kept.1.clone())
    }

    pub(super) fn put(&self, poll_id: Uuid, key: NamesKey, lists: &NamedLists) {
        if lists.len() > Self::MOST_NAMES {
            return;
        }
        if let Ok(mut polls) = self.0.lock() {
            if polls.len() >= Self::CAPACITY && !polls.contains_key(&poll_id) {
                polls.clear();
            }
            polls.insert(poll_id, (key, lists.clone()));
        }
    }
}
