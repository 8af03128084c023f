//! Hybrid meetings, answers per day and seats on the wire (issue 28): the
//! counts results gain (the wire enums are in `views`, a ballot's days in
//! `responses`). Every one is optional and
//! absent where a poll does not use it, so older clients see what they
//! always saw.

use poem_openapi::Object;

use super::types::Date;

/// Attendance counts of an option on a hybrid poll: of its yes and if need
/// be, those who attend in person and those online.
#[derive(Object, serde::Serialize, Debug, Clone, Copy)]
#[oai(rename_all = "snake_case")]
pub struct AttendanceCounts {
    pub in_person: i64,
    pub online: i64,
}

/// One day of a per-day option.
#[derive(Object, serde::Serialize, Debug, Clone)]
#[oai(rename_all = "snake_case")]
pub struct DayCounts {
    pub date: Date,
    pub yes: i64,
    pub if_need_be: i64,
    pub no: i64,
}

/// An option's in-person seats.
#[derive(Object, serde::Serialize, Debug, Clone, Copy)]
#[oai(rename_all = "snake_case")]
pub struct SeatCounts {
    /// In-person places.
    pub capacity: i64,
    /// Places given to yes answers.
    pub taken: i64,
    /// Yes answers waiting for a place, in arrival order.
    pub waiting: i64,
}
