//! The CSV export of a poll, for its organiser's spreadsheet (the writer and
//! its spreadsheet-safety rules are in `domain/export.rs`).

use poem::web::Data;
use poem_openapi::{ApiResponse, OpenApi, param::Path, payload::PlainText};
use uuid::Uuid;

use super::auth::OrganiserToken;
use super::error::error_responses;
use super::tags::ApiTags;
use crate::domain::export::{self, OptionCounts, Respondent};
use crate::error::Error;
use crate::store::Store;

error_responses!(ExportError {
    BadRequest = 400: "A parameter is malformed.",
    Unauthorized = 401: "No valid organiser token.",
    NotFound = 404: "No such poll of yours.",
});

#[derive(ApiResponse)]
pub enum ExportFile {
    /// The export, UTF-8 CSV with a header row.
    #[oai(status = 200, content_type = "text/csv; charset=utf-8")]
    Ok(
        PlainText<String>,
        #[oai(header = "Content-Disposition")] String,
    ),
}

pub struct ExportApi;

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Records")]
impl ExportApi {
    /// Export a poll as CSV
    ///
    /// One row per respondent and one column per option, ready for a
    /// spreadsheet (UTF-8, header row, quoted; names that look like formulas
    /// are written as text). Proxy answers name the organiser who recorded
    /// them. Aggregate-only polls export counts per option only.
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
            .filter(|(p, _)| p.organiser_id == auth.0.id)
            .ok_or(Error::NotFound("poll"))?;
        let body = if poll.settings.aggregate_only {
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
                    }
                })
                .collect();
            export::counts_csv(&poll, &counts)
        } else {
            let responses = store.all_responses(poll.id).await?;
            export::respondents_csv(
                &poll,
                responses.iter().map(|r| Respondent {
                    name: &r.name,
                    invited: r.invitation_id.is_some(),
                    recorded_by: r.recorded_by.as_deref(),
                    answered_at: r.updated_at,
                    revision: r.revision,
                    comment: &r.comment,
                    votes: &r.votes,
                }),
            )
        };
        Ok(ExportFile::Ok(
            PlainText(body),
            format!("attachment; filename=\"poll-{}.csv\"", poll.id.simple()),
        ))
    }
}
