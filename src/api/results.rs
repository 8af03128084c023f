//! Results: counts per option and the ranking, visible per the poll's settings.

use poem::Request;
use poem::web::Data;
use poem_openapi::{ApiResponse, Object, OpenApi, param::Path, payload::Json};
use uuid::Uuid;

use super::ApiTags;
use super::auth::{Reader, ReaderAuth};
use super::error::error_responses;
use super::polls::{PollStatus, ensure_readable};
use crate::domain::poll::{Poll, ResultsVisibility};
use crate::domain::ranking::{self, Candidate};
use crate::error::Error;
use crate::store::Store;
use crate::store::results::Tallies;

/// Counts and rank of one option.
#[derive(Object, Debug, Clone)]
#[oai(rename_all = "snake_case")]
pub struct OptionResult {
    pub option_id: Uuid,
    /// 1-based place in the organiser's order.
    pub number: u32,
    pub label: String,
    /// 1 for the leading option; every option has its own rank.
    pub rank: u32,
    /// Equal to another option on availability and yes count: only start time or order separate them.
    pub tied: bool,
    pub yes: i64,
    pub if_need_be: i64,
    pub no: i64,
    /// Respondents who gave no answer for this option.
    pub no_answer: i64,
    /// yes + if need be.
    pub available: i64,
    /// Why the option stands where it does.
    pub explanation: String,
}

/// Results of a poll, options in rank order.
#[derive(Object, Debug, Clone)]
#[oai(rename_all = "snake_case")]
pub struct PollResults {
    pub poll_id: Uuid,
    pub status: PollStatus,
    /// How many responses count.
    pub responses: i64,
    /// How options are ranked.
    pub ranking_rule: String,
    /// Whether the leading option is tied on availability and yes count with another.
    pub top_tied: bool,
    pub options: Vec<OptionResult>,
}

error_responses!(ResultsError {
    BadRequest = 400: "A parameter is malformed.",
    Unauthorized = 401: "A token was sent but is not valid.",
    Forbidden = 403: "The poll's settings hide results from this caller.",
    NotFound = 404: "No such poll visible to the caller.",
});

#[derive(ApiResponse)]
pub enum ResultsRead {
    /// The results.
    #[oai(status = 200)]
    Ok(Json<PollResults>),
}

/// May this caller see counts? (Individual answers have further rules, in
/// the responses API.)
pub fn ensure_results_visible(poll: &Poll, reader: &Reader) -> Result<(), Error> {
    ensure_readable(poll, reader)?;
    match (reader, poll.settings.results_visibility) {
        (Reader::Organiser(o), _) if o.id == poll.organiser_id => Ok(()),
        (_, ResultsVisibility::Everyone) => Ok(()),
        (Reader::Respondent(r), ResultsVisibility::AfterVoting) if r.poll_id == poll.id => Ok(()),
        (_, ResultsVisibility::AfterVoting) => Err(Error::Forbidden(
            "results are shown once you have voted: send your response token".into(),
        )),
        (_, ResultsVisibility::Organisers) => Err(Error::Forbidden(
            "only the organiser sees results of this poll".into(),
        )),
    }
}

/// Counts, ranks and reasons for every option, leader first.
pub fn results(poll: &Poll, tallies: &Tallies) -> PollResults {
    let counts: Vec<[i64; 3]> = poll
        .options
        .iter()
        .map(|o| tallies.options.get(&o.id).copied().unwrap_or_default())
        .collect();
    let candidates: Vec<Candidate> = poll
        .options
        .iter()
        .zip(&counts)
        .map(|(o, [yes, inb, _])| Candidate {
            yes: *yes as u64,
            if_need_be: *inb as u64,
            // Required members arrive with invitations; an open poll has none.
            all_required_available: true,
            start: o.slot.start_local(poll.zone),
            position: o.position,
        })
        .collect();
    let ranked = ranking::rank(&candidates);
    let mut options: Vec<OptionResult> = poll
        .options
        .iter()
        .zip(counts)
        .zip(ranked)
        .enumerate()
        .map(|(i, ((o, [yes, inb, no]), r))| OptionResult {
            option_id: o.id,
            number: i as u32 + 1,
            label: o.slot.label(poll.zone),
            rank: r.rank,
            tied: r.tied,
            yes,
            if_need_be: inb,
            no,
            no_answer: (tallies.responses - yes - inb - no).max(0),
            available: yes + inb,
            explanation: r.explanation,
        })
        .collect();
    options.sort_by_key(|o| o.rank);
    PollResults {
        poll_id: poll.id,
        status: poll.status_at(chrono::Utc::now()).into(),
        responses: tallies.responses,
        ranking_rule: ranking::RULE.into(),
        top_tied: options.first().is_some_and(|o| o.tied),
        options,
    }
}

pub struct ResultsApi;

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Results")]
impl ResultsApi {
    /// Read results
    ///
    /// Per option: yes, if need be, no and no answer, with a deterministic
    /// rank and the reason for it. Counts come from running tallies, so the
    /// cost does not grow with the number of respondents.
    #[oai(
        path = "/polls/:poll_id/results",
        method = "get",
        operation_id = "getResults"
    )]
    async fn get_results(
        &self,
        store: Data<&Store>,
        req: &Request,
        auth: ReaderAuth,
        poll_id: Path<Uuid>,
    ) -> Result<ResultsRead, ResultsError> {
        let reader = Reader::resolve(auth, req)?;
        let (poll, tallies) = store
            .poll_with_tallies(poll_id.0)
            .await?
            .ok_or(Error::NotFound("poll"))?;
        ensure_results_visible(&poll, &reader)?;
        Ok(ResultsRead::Ok(Json(results(&poll, &tallies))))
    }
}
