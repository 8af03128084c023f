//! String-valued schema types with the `format` generators understand
//! (`date`, `date-time`) or a documented pattern. They accept any string at
//! the JSON layer; the domain parses them, so a bad value is reported with
//! its exact field path instead of a generic body error.

use std::borrow::Cow;

use poem_openapi::{
    registry::{MetaSchema, MetaSchemaRef},
    types::{ParseError, ParseFromJSON, ParseResult, ToJSON, Type},
};
use serde_json::Value;

macro_rules! string_type {
    ($(#[$meta:meta])* $name:ident, format = $format:expr, example = $example:literal, description = $desc:literal) => {
        string_type!($(#[$meta])* $name, format = $format, example = $example, description = $desc, pattern = None, max_length = None);
    };
    ($(#[$meta:meta])* $name:ident, format = $format:expr, example = $example:literal, description = $desc:literal, pattern = $pattern:expr, max_length = $max_length:expr) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl Type for $name {
            const IS_REQUIRED: bool = true;
            type RawValueType = Self;
            type RawElementValueType = Self;

            fn name() -> Cow<'static, str> {
                match $format {
                    Some(f) => format!("string({f})").into(),
                    None => "string".into(),
                }
            }

            fn schema_ref() -> MetaSchemaRef {
                MetaSchemaRef::Inline(Box::new(MetaSchema {
                    format: $format,
                    description: Some($desc),
                    example: Some(Value::String($example.into())),
                    pattern: $pattern,
                    max_length: $max_length,
                    ..MetaSchema::new("string")
                }))
            }

            fn as_raw_value(&self) -> Option<&Self::RawValueType> {
                Some(self)
            }

            fn raw_element_iter<'a>(&'a self) -> Box<dyn Iterator<Item = &'a Self::RawElementValueType> + 'a> {
                Box::new(self.as_raw_value().into_iter())
            }
        }

        impl ParseFromJSON for $name {
            fn parse_from_json(value: Option<Value>) -> ParseResult<Self> {
                match value {
                    Some(Value::String(s)) => Ok(Self(s)),
                    other => Err(ParseError::expected_type(other.unwrap_or_default())),
                }
            }
        }

        impl ToJSON for $name {
            fn to_json(&self) -> Option<Value> {
                Some(Value::String(self.0.clone()))
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                Self(s)
            }
        }
    };
}

string_type!(
    /// A calendar date.
    Date,
    format = Some("date"),
    example = "2026-07-05",
    description = "A calendar date, YYYY-MM-DD."
);

string_type!(
    /// An instant.
    Instant,
    format = Some("date-time"),
    example = "2026-07-10T11:00:00Z",
    description = "An instant, RFC 3339 with offset."
);

string_type!(
    /// A wall-clock time in the poll's zone, as typed.
    WallTime,
    format = None::<&'static str>,
    example = "2026-07-10T13:00",
    description = "Local wall-clock time in the poll's time zone: YYYY-MM-DDTHH:MM, seconds optional. \
Add an offset (e.g. +01:00) only to choose between the two readings of a fall-back hour.",
    pattern = Some(r"^\s*\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:\d{2})?\s*$".to_string()),
    max_length = None
);

string_type!(
    /// An IANA time zone.
    TimeZone,
    format = None::<&'static str>,
    example = "Europe/Vienna",
    description = "An IANA time zone name.",
    pattern = Some(r"^[A-Za-z][A-Za-z0-9_+\-/]*$".to_string()),
    max_length = Some(64)
);
