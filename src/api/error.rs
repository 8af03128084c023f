//! The API's error responses: each operation declares the problem+json
//! statuses it answers with (the spec documents them), built on the one
//! problem report every face sends (`crate::web::problem`).

/// Declares an operation's error responses: an `ApiResponse` enum with one
/// problem+json variant per listed status (documented in the spec) plus 500,
/// and the conversion from [`Error`]. A status the operation did not declare
/// is a bug, reported as a 500.
macro_rules! error_responses {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $status:literal : $desc:literal),* $(,)? }
     $(with_retry_after { $($rvariant:ident = $rstatus:literal : $rdesc:literal),* $(,)? })?) => {
        $(#[$meta])*
        #[derive(poem_openapi::ApiResponse, Debug)]
        pub enum $name {
            $(
                #[doc = $desc]
                #[oai(status = $status, content_type = "application/problem+json")]
                $variant(poem_openapi::payload::Json<$crate::web::problem::Problem>),
            )*
            $($(
                #[doc = $rdesc]
                #[oai(status = $rstatus, content_type = "application/problem+json")]
                $rvariant(
                    poem_openapi::payload::Json<$crate::web::problem::Problem>,
                    /// Seconds to wait before retrying.
                    #[oai(header = "Retry-After")] u32,
                ),
            )*)?
            /// The server failed; the body carries an error id to report.
            #[oai(status = 500, content_type = "application/problem+json")]
            Internal(poem_openapi::payload::Json<$crate::web::problem::Problem>),
            /// The database is unreachable for a moment (say, restarting); retry after `Retry-After` seconds.
            #[oai(status = 503, content_type = "application/problem+json")]
            Unavailable(
                poem_openapi::payload::Json<$crate::web::problem::Problem>,
                /// Seconds to wait before retrying.
                #[oai(header = "Retry-After")] u32,
            ),
        }

        impl From<$crate::error::Error> for $name {
            fn from(err: $crate::error::Error) -> Self {
                let problem = $crate::web::problem::Problem::from(err);
                let retry_after = problem.retry_after.unwrap_or($crate::web::problem::RETRY_AFTER_SECONDS);
                match problem.status {
                    $($status => $name::$variant(poem_openapi::payload::Json(problem)),)*
                    $($($rstatus => $name::$rvariant(poem_openapi::payload::Json(problem), retry_after),)*)?
                    500 => $name::Internal(poem_openapi::payload::Json(problem)),
                    503 => $name::Unavailable(poem_openapi::payload::Json(problem), retry_after),
                    other => $name::Internal(poem_openapi::payload::Json($crate::web::problem::internal(
                        &anyhow::anyhow!("undeclared status {other} from {}: {}", stringify!($name), problem.detail),
                    ))),
                }
            }
        }

        impl From<$crate::domain::Refusal> for $name {
            fn from(refusal: $crate::domain::Refusal) -> Self {
                $crate::error::Error::from(refusal).into()
            }
        }

        impl From<$crate::domain::roles::NotAllowed> for $name {
            fn from(refused: $crate::domain::roles::NotAllowed) -> Self {
                $crate::error::Error::from(refused).into()
            }
        }

        impl From<$crate::domain::access::Denied> for $name {
            fn from(denied: $crate::domain::access::Denied) -> Self {
                $crate::error::Error::from(denied).into()
            }
        }
    };
}
pub(crate) use error_responses;
