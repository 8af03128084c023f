//! The CSV export of a poll, for its organiser's spreadsheet (what it holds is
//! `store/export.rs`, the writer and its spreadsheet-safety rules
//! `domain/export.rs`).

use poem::Body;
use poem::web::Data;
use poem_openapi::{ApiResponse, OpenApi, param::Path, payload::Binary};
use uuid::Uuid;

use super::auth::OrganiserToken;
use super::error::error_responses;
use super::tags::ApiTags;
use crate::error::Error;
use crate::store::Store;
use crate::store::export::{PollCsv, attachment};

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
        let filename = attachment(poll.id);
        let body = match store.poll_csv(poll, &tallies) {
            PollCsv::Whole(text) => Body::from_string(text),
            PollCsv::Streamed(chunks) => Body::from_bytes_stream(chunks),
        };
        Ok(ExportFile::Ok(Binary(body), filename))
    }
}
