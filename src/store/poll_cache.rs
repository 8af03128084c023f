//! Open polls as last read for an anonymous vote (see [`PollCache`]).

use std::collections::HashMap;
use std::sync::Arc;

use uuid::Uuid;

use crate::domain::poll::Poll;

/// Open polls as last read for an anonymous vote, by id. A vote checks its
/// ballot against the copy and its insert proceeds only while the poll is
/// still at the copy's version (`INSERT_RESPONSE_IF_POLL_UNCHANGED`), so a
/// stale copy — another instance changed the poll — costs a re-read, never
/// a wrong vote. Saves each vote of a busy consultation the read of its
/// poll (one of its two round trips on PostgreSQL).
#[derive(Default)]
pub(super) struct PollCache(std::sync::Mutex<HashMap<Uuid, Arc<Poll>>>);

impl PollCache {
    /// Polls kept at most: emptied when full (the busy ones come back at
    /// their next vote); a poll is at most 500 options.
    const CAPACITY: usize = 256;

    pub(super) fn get(&self, id: Uuid) -> Option<Arc<Poll>> {
        self.0.lock().ok()?.get(&id).cloned()
    }

    pub(super) fn put(&self, poll: Poll) -> Arc<Poll> {
        let poll = Arc::new(poll);
        if let Ok(mut polls) = self.0.lock() {
            if polls.len() >= Self::CAPACITY {
                polls.clear();
            }
            polls.insert(poll.id, poll.clone());
        }
        poll
    }
}
