//! The JSON request body extractor. poem-openapi's own `Json<T>` reports a
//! bad body without saying which field is wrong; this one parses with serde
//! and `serde_path_to_error`, so a client reads `options[1].kind` in the
//! error, and it caps the body size while reading.

use poem::{Request, RequestBody};
use poem_openapi::{
    ApiExtractor, ApiExtractorType, ExtractParamOptions,
    payload::{ParsePayload, Payload},
    registry::{MetaMediaType, MetaRequest, MetaSchemaRef, Registry},
    types::Type,
};
use serde::de::DeserializeOwned;

use crate::domain::limits::MAX_BULK_BODY_BYTES;
use crate::web::problem::Problem;

pub struct JsonBody<T>(pub T);

impl<T: Type + Send> Payload for JsonBody<T> {
    const CONTENT_TYPE: &'static str = "application/json";

    fn check_content_type(content_type: &str) -> bool {
        matches!(content_type.parse::<mime::Mime>(), Ok(ct) if ct.type_() == "application"
            && (ct.subtype() == "json" || ct.suffix().is_some_and(|s| s == "json")))
    }

    fn schema_ref() -> MetaSchemaRef {
        T::schema_ref()
    }

    fn register(registry: &mut Registry) {
        T::register(registry);
    }
}

impl<T: Type + DeserializeOwned + Send> ParsePayload for JsonBody<T> {
    const IS_REQUIRED: bool = true;

    async fn from_request(request: &Request, body: &mut RequestBody) -> poem::Result<Self> {
        let _ = request;
        let bytes = read_limited(body).await?;
        if bytes.is_empty() {
            return Err(Problem::new(400, "a JSON request body is required").into());
        }
        let de = &mut serde_json::Deserializer::from_slice(&bytes);
        match serde_path_to_error::deserialize::<_, T>(de) {
            Ok(value) => Ok(JsonBody(value)),
            Err(err) => {
                let path = err.path().to_string();
                let inner = err.into_inner();
                let message = inner.to_string();
                // Syntax errors are a 400; well-formed JSON of the wrong shape is a 422.
                if inner.is_syntax() || inner.is_eof() {
                    Err(Problem::new(400, format!("the body is not valid JSON: {message}")).into())
                } else {
                    let field = if path == "." { String::new() } else { path };
                    Err(Problem::invalid(vec![crate::domain::FieldError::new(
                        field,
                        strip_position(&message),
                    )])
                    .into())
                }
            }
        }
    }
}

/// The whole request body, refused with 413 past [`MAX_BULK_BODY_BYTES`]
/// (also when it arrives chunked, without a Content-Length to check up
/// front). The route's own, usually lower, limit was applied before
/// (`server::read_whole_body`); this bounds what any extractor reads.
pub async fn read_limited(body: &mut RequestBody) -> poem::Result<Vec<u8>> {
    match body.take()?.into_bytes_limit(MAX_BULK_BODY_BYTES).await {
        Ok(bytes) => Ok(bytes.to_vec()),
        Err(_) => Err(Problem::new(
            413,
            format!("the request body is larger than {MAX_BULK_BODY_BYTES} bytes"),
        )
        .into()),
    }
}

/// serde's messages end in " at line 1 column 57", which says nothing to a
/// client that already has the field path.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

impl<'a, T: Type + DeserializeOwned + Send> ApiExtractor<'a> for JsonBody<T> {
    const TYPES: &'static [ApiExtractorType] = &[ApiExtractorType::RequestObject];
    type ParamType = ();
    type ParamRawType = ();

    fn register(registry: &mut Registry) {
        <Self as Payload>::register(registry);
    }

    fn request_meta() -> Option<MetaRequest> {
        Some(MetaRequest {
            description: None,
            content: vec![MetaMediaType {
                content_type: <Self as Payload>::CONTENT_TYPE,
                schema: <Self as Payload>::schema_ref(),
            }],
            required: true,
        })
    }

    async fn from_request(
        request: &'a Request,
        body: &mut RequestBody,
        _param_opts: ExtractParamOptions<Self::ParamType>,
    ) -> poem::Result<Self> {
        match request.content_type() {
            Some(ct) if Self::check_content_type(ct) => {
                <Self as ParsePayload>::from_request(request, body).await
            }
            Some(ct) => Err(Problem::new(
                415,
                format!("send the body as application/json, not {ct}"),
            )
            .into()),
            None => Err(Problem::new(
                415,
                "send the body as application/json (Content-Type header missing)",
            )
            .into()),
        }
    }
}
