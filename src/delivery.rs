//! The outbox worker: one in every `convene serve`. It claims due rows
//! (`store::outbox`), delivers each, and records what happened: sent;
//! retried later with backoff after a temporary failure; failed with the
//! server's reply after a permanent one, or after about a day of retries.

use std::time::Duration;

use chrono::{DateTime, Utc};
use lettre::message::Mailbox;
use rand::Rng;

use crate::domain::mailing::{self, Sender};
use crate::domain::poll::Poll;
use crate::domain::standing::Invitee;
use crate::domain::token::TokenKind;
use crate::mail::{self, Mail, Mailer, SendFailure};
use crate::store::Store;
use crate::store::outbox::{Claimed, Topic};
use crate::webhooks::{CallOutcome, Webhooks};

/// Rows claimed at a time by one worker.
const BATCH: u64 = 20;
/// How often an idle worker looks for due rows.
const POLL: Duration = Duration::from_millis(500);
/// After this long, a row still failing temporarily is given up.
const GIVE_UP_AFTER: chrono::Duration = chrono::Duration::hours(24);

/// How the worker retries.
#[derive(Debug, Clone, Copy)]
pub struct Backoff {
    /// The first retry comes after this, ±25 %; each next one after twice
    /// the last, up to 6 hours.
    pub first: Duration,
    /// How long a claim holds: one delivery with its timeout, and a
    /// margin. A worker that dies (or stalls) longer loses the row to
    /// another, which delivers it.
    pub lease: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff {
            first: Duration::from_secs(20),
            lease: Duration::from_secs(90),
        }
    }
}

/// Runs forever, delivering what falls due.
pub async fn run(store: Store, mail: Mail, webhooks: Webhooks, base: String, backoff: Backoff) {
    let mut tick = tokio::time::interval(POLL);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        loop {
            let claimed = match store.claim_outbox(BATCH, backoff.lease, Utc::now()).await {
                Ok(rows) => rows,
                Err(e) => {
                    tracing::warn!(error = %e, "claiming outbox rows failed");
                    break;
                }
            };
            let full = claimed.len() as u64 == BATCH;
            // Mails of one batch go out together; the transport's pool
            // bounds the connections.
            let work = claimed.into_iter().map(|row| {
                let (store, mail, base) = (store.clone(), mail.clone(), base.clone());
                let webhooks = webhooks.clone();
                async move { deliver(&store, &mail, &webhooks, &base, backoff, row).await }
            });
            futures_join_all(work).await;
            if !full {
                break;
            }
        }
    }
}

async fn futures_join_all<F: std::future::Future<Output = ()> + Send + 'static>(
    work: impl Iterator<Item = F>,
) {
    let handles: Vec<_> = work.map(tokio::spawn).collect();
    for h in handles {
        let _ = h.await;
    }
}

/// What became of one delivery.
#[derive(Debug)]
enum Outcome {
    Sent,
    Retry(String),
    /// Try again after the wait the receiver asked for (`Retry-After`).
    RetryAfter(String, chrono::Duration),
    Failed(String),
    /// Not to be sent any more (a reminder to someone who answered since).
    Dropped(String),
    /// Done, and recorded with the work in one transaction (a reminder
    /// round): nothing more to record. The text is for the log line.
    Recorded(#[allow(dead_code)] String),
}

async fn deliver(
    store: &Store,
    mail: &Mail,
    webhooks: &Webhooks,
    base: &str,
    backoff: Backoff,
    row: Claimed,
) {
    let now = Utc::now();
    let outcome = match row.topic {
        Topic::Invitation => invitation(store, mail, base, &row, false).await,
        Topic::Reminder => invitation(store, mail, base, &row, true).await,
        Topic::Outcome => outcome(store, mail, base, &row).await,
        Topic::Seat => seat(store, mail, base, &row).await,
        Topic::SignIn => sign_in(store, mail, base, &row).await,
        Topic::ReminderRound => reminder_round(store, mail, &row).await,
        Topic::Deadline => match store.run_deadline(&row).await {
            Ok(true) => Outcome::Recorded("poll.closed announced".into()),
            Ok(false) => Outcome::Recorded("the deadline closed nothing".into()),
            Err(e) => Outcome::Retry(format!("announcing the deadline: {e}")),
        },
        Topic::Webhook => match webhooks.call(store, &row).await {
            CallOutcome::Sent => Outcome::Sent,
            CallOutcome::Retry(reason, None) => Outcome::Retry(reason),
            CallOutcome::Retry(reason, Some(wait)) => Outcome::RetryAfter(reason, wait),
            CallOutcome::Failed(reason) => Outcome::Failed(reason),
            CallOutcome::Gone(reason) => match row.webhook_id {
                Some(hook) => match store.disable_webhook(hook, &reason, now).await {
                    Ok(()) => {
                        Outcome::Failed(format!("{reason}: the endpoint is gone; webhook disabled"))
                    }
                    Err(e) => {
                        Outcome::Retry(format!("{reason}, and disabling the webhook failed: {e}"))
                    }
                },
                None => Outcome::Failed(reason),
            },
        },
    };
    let recorded = match &outcome {
        Outcome::Sent => {
            crate::metrics::outbox_delivered("sent");
            store.outbox_sent(&row, now).await
        }
        Outcome::Retry(reason) if now - row.created_at < GIVE_UP_AFTER => {
            store
                .outbox_retry(&row, next_try(backoff, row.attempts, now), reason)
                .await
        }
        Outcome::RetryAfter(reason, wait) if now - row.created_at < GIVE_UP_AFTER => {
            store
                .outbox_retry(&row, asked_try(backoff, *wait, now), reason)
                .await
        }
        Outcome::Retry(reason) | Outcome::RetryAfter(reason, _) => {
            crate::metrics::outbox_delivered("failed");
            let reason = format!("gave up after {} attempts: {reason}", row.attempts);
            failed(store, &row, &reason).await
        }
        Outcome::Failed(reason) => {
            crate::metrics::outbox_delivered("failed");
            failed(store, &row, reason).await
        }
        Outcome::Dropped(reason) => {
            crate::metrics::outbox_delivered("dropped");
            store.outbox_dropped(&row, reason).await
        }
        Outcome::Recorded(_) => Ok(()),
    };
    if let Err(e) = recorded {
        // The lease runs out and the row is claimed again: at worst one
        // more delivery, never a lost one.
        tracing::warn!(error = %e, outbox_id = %row.id, "recording a delivery failed");
    }
    tracing::info!(outbox_id = %row.id, topic = row.topic.as_str(), attempt = row.attempts, outcome = ?outcome, "delivery");
}

/// Records a permanent failure. A failed mail is itself an event the
/// organiser's tools may want (`delivery.failed`); a failed webhook call is
/// not announced to webhooks, which could only fail the same way.
async fn failed(store: &Store, row: &Claimed, reason: &str) -> crate::error::Result<()> {
    match row.topic {
        Topic::Invitation | Topic::Reminder | Topic::Outcome => {
            store.mail_failed(row, reason).await
        }
        Topic::ReminderRound | Topic::Webhook | Topic::Deadline | Topic::Seat | Topic::SignIn => {
            store.outbox_failed(row, reason).await
        }
    }
}

/// The longest wait between two tries.
const LONGEST_WAIT_SECONDS: f64 = 6.0 * 3600.0;

/// When to try again when the endpoint said how long to wait
/// (`Retry-After`): as it asked, within the backoff's bounds — no sooner
/// than the first retry, no later than the longest wait.
fn asked_try(backoff: Backoff, wait: chrono::Duration, now: DateTime<Utc>) -> DateTime<Utc> {
    let seconds = (wait.num_milliseconds() as f64 / 1000.0)
        .clamp(backoff.first.as_secs_f64(), LONGEST_WAIT_SECONDS);
    now + chrono::Duration::milliseconds((seconds * 1000.0) as i64)
}

/// When to try again after `attempts` tries: 20 s, 40 s, 80 s… (by
/// default) doubling up to 6 hours, each ±25 % so that a crowd of failures
/// does not return at once. The first retry comes within 25 s.
fn next_try(backoff: Backoff, attempts: i32, now: DateTime<Utc>) -> DateTime<Utc> {
    let base = backoff.first.as_secs_f64() * 2f64.powi((attempts - 1).clamp(0, 20));
    let capped = base.min(LONGEST_WAIT_SECONDS);
    let jittered = capped * rand::rng().random_range(0.75..=1.25);
    now + chrono::Duration::milliseconds((jittered * 1000.0) as i64)
}

/// What every mail to an invitee is written from, read when it is sent.
struct Recipient<'a> {
    mailer: &'a Mailer,
    poll: Poll,
    invitee: Invitee,
    address: String,
    /// Their page, written now from the invitation's salt: the token is
    /// never stored readable, in the outbox or anywhere.
    vote_url: Option<String>,
    /// The poll's workspace, as the mail names its sender.
    sender: Sender,
}

impl Recipient<'_> {
    /// The envelope of the mail `row` carries to them.
    fn envelope<'a>(&'a self, row: &Claimed) -> mail::Envelope<'a> {
        let service = self.mailer.from();
        mail::Envelope {
            from: Mailbox::new(Some(self.sender.name.clone()), service.email.clone()),
            // An address an owner typed that lettre cannot read is left out
            // rather than failing the mail.
            reply_to: self
                .sender
                .reply_to
                .as_deref()
                .and_then(|a| a.parse().ok())
                .map(|email| Mailbox::new(Some(self.sender.name.clone()), email)),
            to_name: &self.invitee.name,
            address: &self.address,
            outbox_id: row.id,
        }
    }
}

/// The mailer, poll, invitee and address a row's mail goes to, or why it
/// cannot go (a failure to read is temporary, a missing thing permanent).
async fn recipient<'a>(
    store: &Store,
    mail: &'a Mail,
    base: &str,
    row: &Claimed,
) -> Result<Recipient<'a>, Outcome> {
    let Some(mailer) = &mail.0 else {
        return Err(Outcome::Failed(
            "mail is not configured (CONVENE_SMTP_URL)".into(),
        ));
    };
    let Some(invitation_id) = row.invitation_id else {
        return Err(Outcome::Failed("no invitation".into()));
    };
    let found = async {
        let poll = store.poll(row.poll_id).await?;
        let invitee = store.invitee(row.poll_id, invitation_id).await?;
        let key = store.link_key().await?;
        let workspace = match &poll {
            Some(p) => store.workspace_sender(p.organiser_id).await?,
            None => None,
        };
        Ok::<_, crate::error::Error>((poll, invitee, key, workspace))
    }
    .await;
    let (poll, invitee, key, (workspace, reply_to)) = match found {
        Ok((Some(poll), Some(invitee), key, Some(workspace))) => (poll, invitee, key, workspace),
        Ok(_) => {
            return Err(Outcome::Failed(
                "the poll or the invitation no longer exists".into(),
            ));
        }
        Err(e) => return Err(Outcome::Retry(format!("reading the invitation: {e}"))),
    };
    let Some(address) = invitee.email.clone() else {
        return Err(Outcome::Failed("the member has no email address".into()));
    };
    let vote_url = invitee
        .link_salt
        .as_deref()
        .map(|salt| crate::links::vote_url(base, &key.derive(TokenKind::Invitation, salt).secret));
    let sender = mailing::sender(
        &workspace,
        reply_to.as_deref(),
        mailer.from().email.as_ref(),
    );
    Ok(Recipient {
        mailer,
        poll,
        invitee,
        address,
        vote_url,
        sender,
    })
}

/// Sends a written mail and says what became of it.
async fn send(mailer: &Mailer, message: anyhow::Result<lettre::Message>) -> Outcome {
    let message = match message {
        Ok(m) => m,
        Err(e) => return Outcome::Failed(format!("the mail could not be written: {e}")),
    };
    match mailer.send(message).await {
        Ok(()) => Outcome::Sent,
        Err(SendFailure::Temporary(reason)) => Outcome::Retry(reason),
        Err(SendFailure::Permanent(reason)) => Outcome::Failed(reason),
    }
}

/// An invitation mail, or (`reminder`) a reminder: the same mail with a
/// line saying they have not answered, sent only while that is still true
/// and voting is still open — checked now, at sending, not when queued.
async fn invitation(
    store: &Store,
    mail: &Mail,
    base: &str,
    row: &Claimed,
    reminder: bool,
) -> Outcome {
    let r = match recipient(store, mail, base, row).await {
        Ok(r) => r,
        Err(outcome) => return outcome,
    };
    if reminder {
        if r.invitee.answer.is_some() {
            return Outcome::Dropped("the member has answered".into());
        }
        if let Some(reason) = r.poll.voting_closed_reason(Utc::now()) {
            return Outcome::Dropped(reason);
        }
    }
    let Some(vote_url) = &r.vote_url else {
        return Outcome::Failed("this invitation predates personal links: reissue it".into());
    };
    let message = mail::invitation(&r.envelope(row), &r.poll, &r.invitee, vote_url, reminder);
    send(r.mailer, message).await
}

/// "A seat is yours", to a member promoted from an option's waiting list;
/// dropped if the seat is theirs no longer (they changed their answer
/// since).
async fn seat(store: &Store, mail: &Mail, base: &str, row: &Claimed) -> Outcome {
    let r = match recipient(store, mail, base, row).await {
        Ok(r) => r,
        Err(outcome) => return outcome,
    };
    let Some(option) = row
        .payload
        .as_deref()
        .and_then(|p| uuid::Uuid::parse_str(p).ok())
        .and_then(|id| r.poll.options.iter().find(|o| o.id == id))
    else {
        return Outcome::Dropped("the option no longer exists".into());
    };
    let seated = match store.response_of_invitation(r.invitee.invitation_id).await {
        Ok(answer) => answer.is_some_and(|a| {
            a.details.get(&option.id).and_then(|d| d.seat)
                == Some(crate::domain::hybrid::Seat::Taken)
        }),
        Err(e) => return Outcome::Retry(format!("reading the answer: {e}")),
    };
    if !seated {
        return Outcome::Dropped("the member no longer holds the seat".into());
    }
    let message = mail::seat_given(
        &r.envelope(row),
        &r.poll,
        option,
        &r.invitee,
        r.vote_url.as_deref(),
    );
    send(r.mailer, message).await
}

/// A console sign-in link, in the language the form was used in, from the
/// service itself (no workspace is yet known to the reader). The link's
/// secret is derived again from its id now: the outbox holds no secret. A
/// link already used or expired is not sent.
async fn sign_in(store: &Store, mail: &Mail, base: &str, row: &Claimed) -> Outcome {
    let Some(mailer) = &mail.0 else {
        return Outcome::Failed("mail is not configured (CONVENE_SMTP_URL)".into());
    };
    let Some(link_id) = row
        .payload
        .as_deref()
        .and_then(|p| uuid::Uuid::parse_str(p).ok())
    else {
        return Outcome::Failed("no sign-in link".into());
    };
    let link = match store.sign_in_link_mail(link_id, Utc::now()).await {
        Ok(Some(link)) => link,
        Ok(None) => {
            return Outcome::Dropped(
                "no person has this address, or the link was used or has expired".into(),
            );
        }
        Err(e) => return Outcome::Retry(format!("reading the sign-in link: {e}")),
    };
    let url = crate::links::sign_in_url(base, &link.secret);
    let envelope = mail::Envelope {
        from: mailer.from().clone(),
        reply_to: None,
        to_name: &link.name,
        address: &link.email,
        outbox_id: row.id,
    };
    let lang = crate::lang::Lang::negotiate(Some(&link.lang), None, None);
    send(mailer, mail::sign_in(&envelope, lang, &url)).await
}

/// A poll's automatic reminder: queues one reminder mail per member who
/// has not answered (each then delivered, and checked again, like any
/// other mail). The round's record and the mails it queues are one
/// transaction, fenced by the lease: sent once across instances.
async fn reminder_round(store: &Store, mail: &Mail, row: &Claimed) -> Outcome {
    use crate::store::mailing::RoundOutcome;
    match store.run_reminder_round(row, mail.configured()).await {
        Ok(RoundOutcome::Queued(n)) => Outcome::Recorded(format!("{n} reminders queued")),
        Ok(RoundOutcome::Dropped(reason)) => Outcome::Recorded(format!("dropped: {reason}")),
        Ok(RoundOutcome::LeaseLost) => Outcome::Recorded("another worker has the round".into()),
        Err(e) => Outcome::Retry(format!("queueing the reminders: {e}")),
    }
}

/// The outcome as a calendar invitation (RFC 6047): the same event as
/// event.ics (UID, SEQUENCE, times, VTIMEZONE) with the member as ATTENDEE,
/// as REQUEST while the poll is confirmed, CANCEL once it is cancelled. It
/// is written when sent, so a mail delayed past a re-confirmation carries
/// the newer option and SEQUENCE, never an outdated one.
async fn outcome(store: &Store, mail: &Mail, base: &str, row: &Claimed) -> Outcome {
    use crate::domain::calendar::{self, Guest};
    use crate::domain::ics::{self, CalendarHeader, Method};
    use crate::domain::poll::PollStatus;
    let r = match recipient(store, mail, base, row).await {
        Ok(r) => r,
        Err(outcome) => return outcome,
    };
    let now = Utc::now();
    let method = match r.poll.status_at(now) {
        PollStatus::Confirmed => Method::Request,
        PollStatus::Cancelled if r.poll.confirmed_option.is_some() => Method::Cancel,
        _ => return Outcome::Dropped("the poll is undecided again".into()),
    };
    let answer = match store.response_of_invitation(r.invitee.invitation_id).await {
        Ok(answer) => answer,
        Err(e) => return Outcome::Retry(format!("reading the answer: {e}")),
    };
    let detail = answer
        .as_ref()
        .zip(r.poll.confirmed_option)
        .and_then(|(a, option)| a.details.get(&option).cloned());
    let votes = answer.map(|a| a.votes).unwrap_or_default();
    let guest = Guest {
        name: r.invitee.name.clone(),
        email: r.address.clone(),
        required: r.invitee.required,
        votes,
    };
    let link = crate::links::api_poll_url(base, r.poll.id);
    let Some(event) = calendar::confirmed_event(&r.poll, &link, now, &[guest]) else {
        return Outcome::Dropped("the poll has no confirmed option".into());
    };
    let (organizer_name, organizer_email) = (&r.sender.name, &r.sender.organizer);
    let ics = ics::render(
        &CalendarHeader {
            name: &r.poll.title,
            refresh: None,
            method,
            organizer: Some((organizer_name, organizer_email)),
        },
        &[event],
    );
    let message = mail::outcome(
        &r.envelope(row),
        &r.poll,
        &r.invitee,
        r.vote_url.as_deref(),
        &ics,
        method,
        detail.as_ref(),
    );
    send(r.mailer, message).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_receiver_s_wait_is_kept_within_the_backoff_s_bounds() {
        let backoff = Backoff {
            first: Duration::from_secs(20),
            ..Backoff::default()
        };
        let now: DateTime<Utc> = "2026-12-06T10:00:00Z".parse().unwrap();
        let after = |wait| (asked_try(backoff, wait, now) - now).num_seconds();
        assert_eq!(after(chrono::Duration::seconds(120)), 120);
        assert_eq!(
            after(chrono::Duration::seconds(1)),
            20,
            "no sooner than the first retry"
        );
        assert_eq!(
            after(chrono::Duration::days(3)),
            6 * 3600,
            "no later than the longest wait"
        );
    }

    #[test]
    fn retries_back_off_from_within_half_a_minute_to_six_hours() {
        let now = Utc::now();
        for _ in 0..100 {
            let first = (next_try(Backoff::default(), 1, now) - now).num_milliseconds();
            assert!((15_000..=25_000).contains(&first), "{first}");
            let late = (next_try(Backoff::default(), 30, now) - now).num_seconds();
            assert!((16_200..=27_000).contains(&late), "{late}");
        }
        // Summed, the retries reach a day after about a dozen tries.
        let mut at = now;
        let mut n = 0;
        while at - now < GIVE_UP_AFTER {
            n += 1;
            at = next_try(Backoff::default(), n, at);
        }
        assert!((10..=20).contains(&n), "{n} tries in a day");
    }
}
