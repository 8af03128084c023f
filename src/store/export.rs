//! A poll's CSV export as its organiser downloads it — through the API's
//! exportPoll or the console's link alike: counts per option for an
//! aggregate-only poll, else one row per respondent, read and written a
//! page of responses at a time (the writer and its spreadsheet-safety rules
//! are `domain/export.rs`).

use std::sync::Arc;

use futures_util::StreamExt;
use futures_util::stream::BoxStream;
use uuid::Uuid;

use super::Store;
use super::responses::StoredResponse;
use crate::domain::access;
use crate::domain::export::{self, OptionCounts, Respondent};
use crate::domain::poll::Poll;
use crate::domain::standing::Tallies;

/// Responses read and written per step of a streamed export.
const PAGE: u64 = 500;

/// The export's bytes: whole (counts), or a stream of chunks.
pub enum PollCsv {
    Whole(String),
    Streamed(BoxStream<'static, std::io::Result<Vec<u8>>>),
}

/// The `Content-Disposition` the export is served with.
pub fn attachment(poll_id: Uuid) -> String {
    format!("attachment; filename=\"poll-{}.csv\"", poll_id.simple())
}

impl Store {
    /// The poll's export (its counts are `tallies`, read with it).
    pub fn poll_csv(&self, poll: Poll, tallies: &Tallies) -> PollCsv {
        if !access::answers_shown(&poll) {
            let counts: Vec<OptionCounts> = poll
                .options
                .iter()
                .map(|o| {
                    let [yes, if_need_be, no, no_answer] = tallies.of(o.id);
                    OptionCounts {
                        option_id: o.id,
                        yes,
                        if_need_be,
                        no,
                        no_answer,
                        attendance: tallies.attendance.get(&o.id).copied(),
                    }
                })
                .collect();
            PollCsv::Whole(export::counts_csv(&poll, &counts))
        } else {
            PollCsv::Streamed(respondents(self.clone(), poll).boxed())
        }
    }
}

fn respondent(r: &StoredResponse) -> Respondent<'_> {
    Respondent {
        name: &r.name,
        invited: r.invitation_id.is_some(),
        recorded_by: r.recorded_by.as_deref(),
        answered_at: r.updated_at,
        revision: r.revision,
        comment: &r.comment,
        votes: &r.votes,
        details: &r.details,
    }
}

/// The respondents' CSV as a stream: the header, then a chunk of rows per
/// page of responses (keyset on the response id, so each page is one
/// indexed read however far in), holding one page in memory at a time. A
/// read that fails mid-way ends the reply early (the client sees a cut
/// transfer, never a file that looks complete).
fn respondents(
    store: Store,
    poll: Poll,
) -> impl futures_util::Stream<Item = std::io::Result<Vec<u8>>> + Send + 'static {
    let header = export::respondents_header(&poll);
    let poll = Arc::new(poll);
    let pages = futures_util::stream::try_unfold(
        (store, poll, None::<Uuid>, false),
        |(store, poll, after, finished)| async move {
            if finished {
                return Ok(None);
            }
            let page = store
                .responses_page(poll.id, after, PAGE)
                .await
                .map_err(|e| {
                    tracing::warn!(error = %e, poll_id = %poll.id, "the export stopped: a page could not be read");
                    std::io::Error::other(e.to_string())
                })?;
            let Some(last) = page.last().map(|r| r.id) else {
                return Ok(None);
            };
            let finished = (page.len() as u64) < PAGE;
            let chunk = export::respondent_rows(&poll, page.iter().map(respondent));
            Ok(Some((chunk, (store, poll, Some(last), finished))))
        },
    );
    futures_util::stream::once(async move { Ok(header) }).chain(pages)
}
