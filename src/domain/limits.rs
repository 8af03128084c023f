//! Input limits, in one place so the API docs, the validators and the tests agree.

/// Largest request body accepted, in bytes.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;
/// Largest body of a bulk roster request (a group of the largest size, its
/// members added or invited by id): 20,000 members at up to ~400 bytes.
pub const MAX_BULK_BODY_BYTES: usize = 8 * 1024 * 1024;
/// Largest calendar read or uploaded (free/busy), in bytes.
pub const MAX_CALENDAR_BYTES: usize = 10 * 1024 * 1024;
pub const MAX_TITLE_CHARS: usize = 200;
pub const MAX_DESCRIPTION_CHARS: usize = 10_000;
pub const MAX_LOCATION_CHARS: usize = 500;
pub const MAX_NAME_CHARS: usize = 100;
pub const MAX_COMMENT_CHARS: usize = 2_000;
/// An email address (RFC 5321 allows 254 in a path).
pub const MAX_EMAIL_CHARS: usize = 254;
/// A BCP 47 language tag (RFC 5646 recommends room for 35).
pub const MAX_LANGUAGE_CHARS: usize = 35;
/// Options per poll. The brief asks for at least 200; 500 leaves headroom for
/// hour-by-hour polls over several days.
pub const MAX_OPTIONS_PER_POLL: usize = 500;
/// Longest span of a single option, in days.
pub const MAX_OPTION_DAYS: i64 = 366;
/// Members per group, and per createGroup, addMembers or createInvitations
/// request: a whole consultation's roster in one request, written in one
/// transaction.
pub const MAX_MEMBERS_PER_GROUP: usize = 20_000;
pub const MAX_MEMBERS_PER_REQUEST: usize = 20_000;
/// Automatic reminders per poll, and how far before the deadline one may
/// come: a consultation's reminders are a week, three days, a day ahead.
pub const MAX_REMINDERS: usize = 5;
pub const MAX_REMINDER_LEAD_DAYS: i64 = 90;
/// An ISO 8601 duration as written (`P1DT12H30M`).
pub const MAX_REMINDER_CHARS: usize = 32;
/// A webhook's URL.
pub const MAX_WEBHOOK_URL_CHARS: usize = 2_000;
/// Page size bounds for cursor pagination.
pub const DEFAULT_PAGE_SIZE: u32 = 50;
pub const MAX_PAGE_SIZE: u32 = 500;
