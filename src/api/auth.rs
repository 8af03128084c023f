//! Who is calling: one bearer security scheme per token kind, so Swagger UI's
//! Authorize button works for each role, and the checks that resolve a token
//! to exactly what it grants.

use poem::Request;
use poem_openapi::{SecurityScheme, auth::Bearer};

use crate::domain::access::{InvitationGrant, Organiser, Reader, ResponseGrant};
use crate::domain::token::TokenKind;
use crate::store::Store;
use crate::web::problem::Problem;

fn store(req: &Request) -> &Store {
    req.data::<Store>()
        .expect("the store is attached to every request")
}

fn check_kind(bearer: &Bearer, kind: TokenKind) -> poem::Result<()> {
    if TokenKind::of(&bearer.token) == Some(kind) {
        Ok(())
    } else {
        Err(Problem::new(
            401,
            format!(
                "this operation takes a token starting with {}",
                kind.prefix()
            ),
        )
        .into())
    }
}

fn lookup_failed(err: crate::error::Error) -> poem::Error {
    Problem::from(err).into()
}

/// A person's API token (`cvn_org_…`): acts as that person in their
/// workspace, with their role narrowed to the token's scope (`read` or
/// `write`). From createApiToken, or `convene token create`.
#[derive(SecurityScheme)]
#[oai(
    rename = "OrganiserToken",
    ty = "bearer",
    bearer_format = "cvn_org_…",
    checker = "organiser_checker"
)]
pub struct OrganiserToken(pub Organiser);

async fn organiser_checker(req: &Request, bearer: Bearer) -> poem::Result<Organiser> {
    check_kind(&bearer, TokenKind::Organiser)?;
    store(req)
        .organiser_by_token(&bearer.token)
        .await
        .map_err(lookup_failed)?
        .ok_or_else(|| Problem::new(401, "unknown or revoked API token").into())
}

/// A response edit token (`cvn_rsp_…`), returned once when voting on an open poll.
#[derive(SecurityScheme)]
#[oai(
    rename = "ResponseToken",
    ty = "bearer",
    bearer_format = "cvn_rsp_…",
    checker = "response_checker"
)]
pub struct ResponseToken(pub ResponseGrant);

async fn response_checker(req: &Request, bearer: Bearer) -> poem::Result<ResponseGrant> {
    check_kind(&bearer, TokenKind::Response)?;
    store(req)
        .response_by_token(&bearer.token)
        .await
        .map_err(lookup_failed)?
        .ok_or_else(|| {
            Problem::new(401, "unknown response token, or the response was withdrawn").into()
        })
}

/// A member's personal invitation token (`cvn_inv_…`): reads and votes in
/// the one poll it was issued for.
#[derive(SecurityScheme)]
#[oai(
    rename = "InvitationToken",
    ty = "bearer",
    bearer_format = "cvn_inv_…",
    checker = "invitation_checker"
)]
pub struct InvitationToken(pub InvitationGrant);

async fn invitation_checker(req: &Request, bearer: Bearer) -> poem::Result<InvitationGrant> {
    check_kind(&bearer, TokenKind::Invitation)?;
    store(req)
        .invitation_by_token(&bearer.token)
        .await
        .map_err(lookup_failed)?
        .ok_or_else(|| {
            Problem::new(
                401,
                "unknown or revoked invitation token (it may have been reissued, or the member removed)",
            )
            .into()
        })
}

/// Reading a poll, its results or its responses: open to anyone for open
/// polls, with more granted to the poll's organiser, its invited members and
/// its respondents.
#[derive(SecurityScheme)]
pub enum ReaderAuth {
    Organiser(OrganiserToken),
    Invitee(InvitationToken),
    Respondent(ResponseToken),
    #[oai(fallback)]
    Anonymous,
}

/// Voting: anyone by name on an open poll, or an invited member with their
/// invitation token.
#[derive(SecurityScheme)]
pub enum VoterAuth {
    Invitee(InvitationToken),
    #[oai(fallback)]
    Anonymous,
}

/// One's own response: an invited member's invitation token or an open
/// respondent's edit token.
#[derive(SecurityScheme)]
pub enum OwnResponseAuth {
    Invitee(InvitationToken),
    Respondent(ResponseToken),
}

/// A token that was sent but matched no scheme must not silently count as
/// anonymous: the caller meant to be someone.
pub fn reject_unrecognised(req: &Request) -> Result<(), crate::error::Error> {
    if req.headers().contains_key("authorization") {
        return Err(crate::error::Error::Unauthorized(
            "the token is not recognised: it may be revoked, withdrawn or mistyped".into(),
        ));
    }
    Ok(())
}

/// The reader a read operation's scheme resolved to.
pub fn resolve(auth: ReaderAuth, req: &Request) -> Result<Reader, crate::error::Error> {
    Ok(match auth {
        ReaderAuth::Organiser(OrganiserToken(o)) => Reader::Organiser(o),
        ReaderAuth::Invitee(InvitationToken(i)) => Reader::Invitee(i),
        ReaderAuth::Respondent(ResponseToken(r)) => Reader::Respondent(r),
        ReaderAuth::Anonymous => {
            reject_unrecognised(req)?;
            Reader::Anonymous
        }
    })
}
