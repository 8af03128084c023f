//! Mail: what each mail says (written from templates and the same Fluent
//! catalogue as the member pages, in the member's language and zone) and
//! how it leaves (lettre over SMTP). Mails are never sent from a request:
//! the outbox worker (`crate::delivery`) sends them.

use std::time::Duration;

use askama::Template;
use lettre::message::header::ContentType;
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use uuid::Uuid;

use crate::domain::hybrid::{Attendance, Seat, VoteDetail};
use crate::domain::ics::Method;
use crate::domain::poll::{Poll, PollOption};
use crate::domain::standing::Invitee;
use crate::lang::{Lang, filters};

/// `CONVENE_SMTP_URL` and `CONVENE_MAIL_FROM`.
#[derive(Debug, Clone)]
pub struct MailConfig {
    /// `smtp://host:port` (plain, or STARTTLS with `?tls=required`),
    /// `smtps://user:pass@host` (TLS from the start).
    pub smtp_url: String,
    /// `Name <address>`: the sender of every mail, and the ORGANIZER of the
    /// calendar invitations.
    pub from: String,
}

/// Sends mails; one per deployment, cheap to clone (a connection pool).
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the URL: it may hold the SMTP password.
        f.debug_struct("Mailer")
            .field("from", &self.from.to_string())
            .finish()
    }
}

/// Why a mail did not leave: worth trying again, or not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendFailure {
    /// The server is unreachable, slow or said 4xx: try again later.
    Temporary(String),
    /// The server refused it for good (5xx, a bad address).
    Permanent(String),
}

impl Mailer {
    pub fn new(config: &MailConfig) -> anyhow::Result<Self> {
        let from: Mailbox = config.from.parse().map_err(|e| {
            anyhow::anyhow!("CONVENE_MAIL_FROM {:?} is not an address: {e}", config.from)
        })?;
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&config.smtp_url)
            .map_err(|e| anyhow::anyhow!("CONVENE_SMTP_URL is not an SMTP URL: {e}"))?
            // One delivery may take this long; the outbox lease is longer.
            .timeout(Some(SEND_TIMEOUT))
            .build();
        Ok(Mailer { transport, from })
    }

    pub fn from(&self) -> &Mailbox {
        &self.from
    }

    pub async fn send(&self, message: Message) -> Result<(), SendFailure> {
        match self.transport.send(message).await {
            Ok(_) => Ok(()),
            Err(e) if e.is_permanent() => Err(SendFailure::Permanent(e.to_string())),
            Err(e) => Err(SendFailure::Temporary(e.to_string())),
        }
    }
}

/// The longest one SMTP conversation may take.
pub const SEND_TIMEOUT: Duration = Duration::from_secs(30);

/// The service's mail setting, as handlers see it: `None` when no SMTP
/// server is configured (mails are then not queued, and the API says so).
#[derive(Debug, Clone, Default)]
pub struct Mail(pub Option<Mailer>);

impl Mail {
    pub fn configured(&self) -> bool {
        self.0.is_some()
    }
}

/// An option as a mail lists it.
struct MailOption {
    when: String,
    offset: String,
}

#[derive(Template)]
#[template(path = "invitation.txt")]
struct InvitationText<'a> {
    lang: Lang,
    greeting: String,
    poll: &'a Poll,
    options: &'a [MailOption],
    deadline: Option<String>,
    vote_url: &'a str,
}

#[derive(Template)]
#[template(path = "invitation.html")]
struct InvitationHtml<'a> {
    lang: Lang,
    greeting: String,
    poll: &'a Poll,
    options: &'a [MailOption],
    deadline: Option<String>,
    vote_url: &'a str,
}

/// The invitation mail to `invitee`: the poll, every option in the
/// member's zone with its offset, the deadline, and their personal link.
pub fn invitation(
    envelope: &Envelope<'_>,
    poll: &Poll,
    invitee: &Invitee,
    vote_url: &str,
    reminder: bool,
) -> anyhow::Result<Message> {
    let written = invitation_written(poll, invitee, vote_url, reminder)?;
    envelope.message(
        written.lang,
        written.subject,
        MultiPart::alternative_plain_html(written.text, written.html),
    )
}

/// An invitation or reminder mail as written to one member: its language,
/// subject, text and HTML.
pub struct Written {
    pub lang: Lang,
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// The invitation (or, with `reminder`, the reminder) `invitee` gets,
/// written as it is sent — for the mail itself, and for the console's
/// preview before it is sent (which gives a stand-in for the link).
pub fn invitation_written(
    poll: &Poll,
    invitee: &Invitee,
    vote_url: &str,
    reminder: bool,
) -> anyhow::Result<Written> {
    let lang = Lang::negotiate(None, invitee.language.as_deref(), None);
    let zone = invitee.zone;
    let options: Vec<MailOption> = poll
        .options
        .iter()
        .map(|o| {
            let (when, offset) = lang.when(&o.slot, zone);
            MailOption { when, offset }
        })
        .collect();
    let deadline = poll
        .deadline
        .map(|d| lang.t_with("deadline", &[("when", lang.instant(zone, d).into())]));
    let mut greeting = lang.t_with(
        "greeting-invited",
        &[("name", invitee.name.as_str().into())],
    );
    if reminder {
        greeting = format!("{} {greeting}", lang.t("mail-reminder-intro"));
    }
    let text = InvitationText {
        lang,
        greeting: greeting.clone(),
        poll,
        options: &options,
        deadline: deadline.clone(),
        vote_url,
    }
    .render()?;
    let html = InvitationHtml {
        lang,
        greeting,
        poll,
        options: &options,
        deadline,
        vote_url,
    }
    .render()?;
    let subject = lang.t_with(
        if reminder {
            "mail-reminder-subject"
        } else {
            "mail-invitation-subject"
        },
        &[("title", poll.title.as_str().into())],
    );
    Ok(Written {
        lang,
        subject,
        text,
        html,
    })
}

/// Who a mail goes to, from whom, and the outbox row that carries it.
pub struct Envelope<'a> {
    /// The workspace's name at the service's address.
    pub from: Mailbox,
    /// The workspace's own address, if it has one.
    pub reply_to: Option<Mailbox>,
    pub to_name: &'a str,
    pub address: &'a str,
    /// The outbox row: the Message-ID is made from it.
    pub outbox_id: Uuid,
}

impl Envelope<'_> {
    /// The message with every header a mail of ours carries: its
    /// Message-ID, made from the outbox row at the sender's domain (unique
    /// per mail, and the same on every retry, so a receiver that did get a
    /// first try — an answer lost after DATA — sees the second as the same
    /// message); RFC 3834's `Auto-Submitted`, so no "out of office" answers
    /// a machine; and RFC 3282's `Content-Language`, so a client (or a
    /// screen reader) knows the language before reading it.
    fn message(&self, lang: Lang, subject: String, body: MultiPart) -> anyhow::Result<Message> {
        let to = Mailbox::new(Some(self.to_name.to_string()), self.address.parse()?);
        let mut builder = Message::builder().from(self.from.clone());
        if let Some(reply_to) = &self.reply_to {
            builder = builder.reply_to(reply_to.clone());
        }
        let mut message = builder
            .to(to)
            .subject(subject)
            .message_id(Some(format!(
                "<{}@{}>",
                self.outbox_id,
                self.from.email.domain()
            )))
            .multipart(body)?;
        let headers = message.headers_mut();
        headers.insert_raw(HeaderValue::new(
            HeaderName::new_from_ascii_str("Auto-Submitted"),
            "auto-generated".into(),
        ));
        headers.insert_raw(HeaderValue::new(
            HeaderName::new_from_ascii_str("Content-Language"),
            lang.code().into(),
        ));
        Ok(message)
    }
}

#[derive(Template)]
#[template(path = "outcome.txt")]
struct OutcomeText<'a> {
    lang: Lang,
    greeting: String,
    poll: &'a Poll,
    status: String,
    when: Option<(String, String)>,
    /// How the member attends the chosen option, and their seat.
    yours: &'a [String],
    vote_url: Option<&'a str>,
}

#[derive(Template)]
#[template(path = "outcome.html")]
struct OutcomeHtml<'a> {
    lang: Lang,
    greeting: String,
    poll: &'a Poll,
    status: String,
    when: Option<(String, String)>,
    /// How the member attends the chosen option, and their seat.
    yours: &'a [String],
    vote_url: Option<&'a str>,
}

/// The outcome as an iTIP message (RFC 6047): text and HTML for people, the
/// calendar (`text/calendar; method=…`) beside them for mail clients that
/// add, move or remove the event by themselves, and the same as invite.ics.
pub fn outcome(
    envelope: &Envelope<'_>,
    poll: &Poll,
    invitee: &Invitee,
    vote_url: Option<&str>,
    ics: &str,
    method: Method,
    answer: Option<&VoteDetail>,
) -> anyhow::Result<Message> {
    let lang = Lang::negotiate(None, invitee.language.as_deref(), None);
    let greeting = lang.t_with("mail-greeting", &[("name", invitee.name.as_str().into())]);
    // How the member said they attend the chosen option, and their seat.
    let yours: Vec<String> = match answer {
        Some(d) if method != Method::Cancel => {
            let mode = d.attendance.map(|a| match a {
                Attendance::InPerson => lang.t("attendance-in-person"),
                Attendance::Online => lang.t("attendance-online"),
            });
            let seat = d.seat.map(|s| match s {
                Seat::Taken => lang.t("seat-taken"),
                Seat::Waiting => lang.t("seat-waiting"),
            });
            mode.map(|m| lang.t_with("mail-attendance", &[("mode", m.into())]))
                .into_iter()
                .chain(seat)
                .collect()
        }
        _ => Vec::new(),
    };
    let (status, subject) = match method {
        Method::Cancel => ("status-cancelled", "mail-cancel-subject"),
        _ => ("status-confirmed", "mail-outcome-subject"),
    };
    let when = (method != Method::Cancel)
        .then(|| {
            poll.options
                .iter()
                .find(|o| Some(o.id) == poll.confirmed_option)
        })
        .flatten()
        .map(|o| lang.when(&o.slot, invitee.zone));
    let text = OutcomeText {
        lang,
        greeting: greeting.clone(),
        poll,
        status: lang.t(status),
        when: when.clone(),
        yours: &yours,
        vote_url,
    }
    .render()?;
    let html = OutcomeHtml {
        lang,
        greeting,
        poll,
        status: lang.t(status),
        when,
        yours: &yours,
        vote_url,
    }
    .render()?;
    let calendar_type = ContentType::parse(&format!(
        "text/calendar; method={}; charset=UTF-8",
        method.as_str()
    ))?;
    let body = MultiPart::mixed()
        .multipart(
            MultiPart::alternative()
                .singlepart(SinglePart::plain(text))
                .singlepart(SinglePart::html(html))
                .singlepart(
                    SinglePart::builder()
                        .header(calendar_type.clone())
                        .body(ics.to_string()),
                ),
        )
        .singlepart(Attachment::new("invite.ics".into()).body(ics.to_string(), calendar_type));
    let subject = lang.t_with(subject, &[("title", poll.title.as_str().into())]);
    envelope.message(lang, subject, body)
}

/// The mail to a member who waited for an in-person seat and got one
/// (issue 28), queued in the transaction that freed the seat.
#[derive(Template)]
#[template(path = "seat.txt")]
struct SeatText<'a> {
    lang: Lang,
    greeting: String,
    poll: &'a Poll,
    text: String,
    when: String,
    offset: String,
    vote_url: Option<&'a str>,
}

#[derive(Template)]
#[template(path = "seat.html")]
struct SeatHtml<'a> {
    lang: Lang,
    greeting: String,
    poll: &'a Poll,
    text: String,
    when: String,
    offset: String,
    vote_url: Option<&'a str>,
}

/// "A seat is yours": the option in the member's zone and language, and
/// their page.
pub fn seat_given(
    envelope: &Envelope<'_>,
    poll: &Poll,
    option: &PollOption,
    invitee: &Invitee,
    vote_url: Option<&str>,
) -> anyhow::Result<Message> {
    let lang = Lang::negotiate(None, invitee.language.as_deref(), None);
    let greeting = lang.t_with("mail-greeting", &[("name", invitee.name.as_str().into())]);
    let (when, offset) = lang.when(&option.slot, invitee.zone);
    let text = lang.t("mail-seat-given");
    let plain = SeatText {
        lang,
        greeting: greeting.clone(),
        poll,
        text: text.clone(),
        when: when.clone(),
        offset: offset.clone(),
        vote_url,
    }
    .render()?;
    let html = SeatHtml {
        lang,
        greeting,
        poll,
        text,
        when,
        offset,
        vote_url,
    }
    .render()?;
    let subject = lang.t_with(
        "mail-seat-subject",
        &[("title", poll.title.as_str().into())],
    );
    envelope.message(
        lang,
        subject,
        MultiPart::alternative_plain_html(plain, html),
    )
}

/// A console sign-in link: who asked, the link, and that it works once
/// within 15 minutes.
#[derive(Template)]
#[template(path = "sign_in.txt")]
struct SignInText<'a> {
    lang: Lang,
    greeting: String,
    url: &'a str,
}

#[derive(Template)]
#[template(path = "sign_in.html")]
struct SignInHtml<'a> {
    lang: Lang,
    greeting: String,
    url: &'a str,
}

pub fn sign_in(envelope: &Envelope<'_>, lang: Lang, url: &str) -> anyhow::Result<Message> {
    let greeting = lang.t_with("mail-greeting", &[("name", envelope.to_name.into())]);
    let plain = SignInText {
        lang,
        greeting: greeting.clone(),
        url,
    }
    .render()?;
    let html = SignInHtml {
        lang,
        greeting,
        url,
    }
    .render()?;
    envelope.message(
        lang,
        lang.t("mail-sign-in-subject"),
        MultiPart::alternative_plain_html(plain, html),
    )
}
