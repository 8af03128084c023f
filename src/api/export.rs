//! The CSV export of a poll, for its organiser's spreadsheet (the writer and
//! its spreadsheet-safety rules are in `domain/export.rs`).

use std::sync::Arc;

use futures_util::StreamExt;
use poem::Body;
use poem::web::Data;
use poem_openapi::{ApiResponse, OpenApi, param::Path, payload::Binary};
use uuid::Uuid;

use super::auth::OrganiserToken;
use super::error::error_responses;
use super::tags::ApiTags;
use crate::domain::access;
use crate::domain::export::{self, OptionCounts, Respondent};
use crate::domain::poll::Poll;
use crate::error::Error;
use crate::store::Store;
use crate::store::responses::StoredResponse;

/// Responses read and written per step of a streamed export.
const PAGE: u64 = 500;

error_responses!(ExportError {
    BadRequest = 400: "A parameter is malformed.",
    Unauthorized = 401: "No valid organiser token.",
    NotFound = 404: "No such poll of yours.",
});

#[derive(ApiResponse)]
pub enum ExportFile {
    /// The export, UTF-8 CSV with a header row.
    #[oai(status = 200, content_type = "text/csv; charset=utf-8")]
    Ok(Binary<Body>, #[oai(header = "Content-Disposition")] String),
}

pub struct ExportApi;

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Records")]
impl ExportApi {
    /// Export a poll as CSV
    ///
    /// One row per respondent and one column per option, ready for a
    /// spreadsheet (UTF-8, header row, quoted; names that look like formulas
    /// are written as text). Proxy answers name the organiser who recorded
    /// them. Aggregate-only polls export counts per option only. Streamed:
    /// a poll with many thousands of answers is read and sent 500 rows at a
    /// time, each row as it is when it is read.
    #[oai(
        path = "/polls/:poll_id/export.csv",
        method = "get",
        operation_id = "exportPoll"
    )]
    async fn export_poll(
        &self,
        store: Data<&Store>,
        auth: OrganiserToken,
        /// The poll's id.
        poll_id: Path<Uuid>,
    ) -> Result<ExportFile, ExportError> {
        let (poll, tallies) = store
            .poll_with_tallies(poll_id.0)
            .await?
            .filter(|(p, _)| p.organiser_id == auth.0.workspace_id)
            .ok_or(Error::NotFound("poll"))?;
        let filename = format!("attachment; filename=\"poll-{}.csv\"", poll.id.simple());
        let body = if !access::answers_shown(&poll) {
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
            Body::from_string(export::counts_csv(&poll, &counts))
        } else {
            Body::from_bytes_stream(respondents((*store).clone(), poll))
        };
        Ok(ExportFile::Ok(Binary(body), filename))
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
