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

use crate::domain::limits::{
    MAX_COMMENT_CHARS, MAX_DESCRIPTION_CHARS, MAX_EMAIL_CHARS, MAX_LANGUAGE_CHARS,
    MAX_LOCATION_CHARS, MAX_MEMBERS_PER_GROUP, MAX_NAME_CHARS, MAX_REMINDER_CHARS, MAX_TITLE_CHARS,
};

/// The bounded fields of requests, each with the limit the domain enforces.
pub type Title = Text<1, MAX_TITLE_CHARS>;
pub type Description = Text<0, MAX_DESCRIPTION_CHARS>;
pub type Location = Text<0, MAX_LOCATION_CHARS>;
pub type Name = Text<1, MAX_NAME_CHARS>;
pub type Comment = Text<0, MAX_COMMENT_CHARS>;
pub type Email = Text<0, MAX_EMAIL_CHARS>;
pub type Language = Text<0, MAX_LANGUAGE_CHARS>;
/// An ISO 8601 duration before a poll's deadline.
pub type ReminderLead = Text<1, MAX_REMINDER_CHARS>;
/// A quorum counts required members: at most a roster's size.
pub type Quorum = Count<1, { MAX_MEMBERS_PER_GROUP as i64 }>;

/// The part of poem-openapi's `Type` that is the same for every type whose
/// value is itself (not a container).
macro_rules! scalar_type {
    () => {
        const IS_REQUIRED: bool = true;
        type RawValueType = Self;
        type RawElementValueType = Self;

        fn as_raw_value(&self) -> Option<&Self::RawValueType> {
            Some(self)
        }

        fn raw_element_iter<'a>(
            &'a self,
        ) -> Box<dyn Iterator<Item = &'a Self::RawElementValueType> + 'a> {
            Box::new(self.as_raw_value().into_iter())
        }
    };
}

macro_rules! string_type {
    ($(#[$meta:meta])* $name:ident, format = $format:expr, example = $example:literal, description = $desc:literal) => {
        string_type!($(#[$meta])* $name, format = $format, example = $example, description = $desc, pattern = None, max_length = None);
    };
    ($(#[$meta:meta])* $name:ident, format = $format:expr, example = $example:literal, description = $desc:literal, pattern = $pattern:expr, max_length = $max_length:expr) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl Type for $name {
            scalar_type!();

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

/// Text of `MIN` to `MAX` characters, as the spec states it. The bounds are
/// constants of `domain::limits`, which the domain's parsers enforce: one
/// definition for what the spec promises and what the service checks (a
/// value one past it is a 422 naming the field). poem-openapi's validator
/// attributes take only literals, hence the type.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(transparent)]
pub struct Text<const MIN: usize, const MAX: usize>(pub String);

impl<const MIN: usize, const MAX: usize> Type for Text<MIN, MAX> {
    scalar_type!();

    fn name() -> Cow<'static, str> {
        "string".into()
    }

    fn schema_ref() -> MetaSchemaRef {
        MetaSchemaRef::Inline(Box::new(MetaSchema {
            max_length: Some(MAX),
            min_length: (MIN > 0).then_some(MIN),
            ..MetaSchema::new("string")
        }))
    }
}

impl<const MIN: usize, const MAX: usize> ParseFromJSON for Text<MIN, MAX> {
    fn parse_from_json(value: Option<Value>) -> ParseResult<Self> {
        match value {
            Some(Value::String(s)) => Ok(Self(s)),
            other => Err(ParseError::expected_type(other.unwrap_or_default())),
        }
    }
}

impl<const MIN: usize, const MAX: usize> ToJSON for Text<MIN, MAX> {
    fn to_json(&self) -> Option<Value> {
        Some(Value::String(self.0.clone()))
    }
}

/// A PATCH field's text, unbounded again for the domain's parser.
pub fn plain<const MIN: usize, const MAX: usize>(
    field: &poem_openapi::types::MaybeUndefined<Text<MIN, MAX>>,
) -> poem_openapi::types::MaybeUndefined<String> {
    use poem_openapi::types::MaybeUndefined::*;
    match field {
        Undefined => Undefined,
        Null => Null,
        Value(t) => Value(t.0.clone()),
    }
}

impl<const MIN: usize, const MAX: usize> std::ops::Deref for Text<MIN, MAX> {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl<const MIN: usize, const MAX: usize> From<&str> for Text<MIN, MAX> {
    fn from(s: &str) -> Self {
        Self(s.to_string())
    }
}

impl<const MIN: usize, const MAX: usize> From<String> for Text<MIN, MAX> {
    fn from(s: String) -> Self {
        Self(s)
    }
}

/// A whole number from `MIN` to `MAX`, as the spec states it; the bounds
/// are `domain::limits` constants the domain enforces (see [`Text`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(transparent)]
pub struct Count<const MIN: i64, const MAX: i64>(pub i64);

impl<const MIN: i64, const MAX: i64> Type for Count<MIN, MAX> {
    scalar_type!();

    fn name() -> Cow<'static, str> {
        "integer(int64)".into()
    }

    fn schema_ref() -> MetaSchemaRef {
        MetaSchemaRef::Inline(Box::new(MetaSchema {
            format: Some("int64"),
            maximum: Some(MAX as f64),
            minimum: Some(MIN as f64),
            ..MetaSchema::new("integer")
        }))
    }
}

impl<const MIN: i64, const MAX: i64> ParseFromJSON for Count<MIN, MAX> {
    fn parse_from_json(value: Option<Value>) -> ParseResult<Self> {
        match value {
            Some(Value::Number(n)) if n.is_i64() => Ok(Self(n.as_i64().unwrap_or_default())),
            other => Err(ParseError::expected_type(other.unwrap_or_default())),
        }
    }
}

impl<const MIN: i64, const MAX: i64> ToJSON for Count<MIN, MAX> {
    fn to_json(&self) -> Option<Value> {
        Some(Value::from(self.0))
    }
}

/// A list of `MIN` to `MAX` items, as the spec states it; the bounds are
/// `domain::limits` constants the domain enforces (see [`Text`]).
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(transparent)]
pub struct Items<T, const MIN: usize, const MAX: usize>(pub Vec<T>);

impl<T: Type, const MIN: usize, const MAX: usize> Type for Items<T, MIN, MAX> {
    const IS_REQUIRED: bool = true;
    type RawValueType = Self;
    type RawElementValueType = T::RawValueType;

    fn name() -> Cow<'static, str> {
        format!("[{}]", T::name()).into()
    }

    fn schema_ref() -> MetaSchemaRef {
        MetaSchemaRef::Inline(Box::new(MetaSchema {
            items: Some(Box::new(T::schema_ref())),
            max_items: Some(MAX),
            min_items: (MIN > 0).then_some(MIN),
            ..MetaSchema::new("array")
        }))
    }

    fn register(registry: &mut poem_openapi::registry::Registry) {
        T::register(registry);
    }

    fn as_raw_value(&self) -> Option<&Self::RawValueType> {
        Some(self)
    }

    fn raw_element_iter<'a>(
        &'a self,
    ) -> Box<dyn Iterator<Item = &'a Self::RawElementValueType> + 'a> {
        Box::new(self.0.iter().filter_map(|item| item.as_raw_value()))
    }
}

impl<T: ParseFromJSON, const MIN: usize, const MAX: usize> ParseFromJSON for Items<T, MIN, MAX> {
    fn parse_from_json(value: Option<Value>) -> ParseResult<Self> {
        Vec::<T>::parse_from_json(value)
            .map(Self)
            .map_err(ParseError::propagate)
    }
}

impl<T: ToJSON, const MIN: usize, const MAX: usize> ToJSON for Items<T, MIN, MAX> {
    fn to_json(&self) -> Option<Value> {
        self.0.to_json()
    }
}

impl<T, const MIN: usize, const MAX: usize> std::ops::Deref for Items<T, MIN, MAX> {
    type Target = Vec<T>;

    fn deref(&self) -> &Vec<T> {
        &self.0
    }
}

impl<T, const MIN: usize, const MAX: usize> Default for Items<T, MIN, MAX> {
    fn default() -> Self {
        Self(Vec::new())
    }
}

impl<T, const MIN: usize, const MAX: usize> From<Vec<T>> for Items<T, MIN, MAX> {
    fn from(items: Vec<T>) -> Self {
        Self(items)
    }
}

impl<T, const MIN: usize, const MAX: usize> IntoIterator for Items<T, MIN, MAX> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}
