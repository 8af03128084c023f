//! gzip for clients that accept it. A poll of 63 options is 23 KB of JSON
//! and its results 25 KB; both shrink to a tenth. Only replies worth it are
//! compressed: a 200 of JSON, ICS or CSV of at least [`MIN_BYTES`], not
//! already encoded. A compressed reply's strong ETag turns weak (as nginx
//! does): its bytes differ from the plain reply's, and both `If-Match` and
//! `If-None-Match` here read `W/"…"` as the same version.

use std::io::Write;

use flate2::{Compression, write::GzEncoder};
use futures_util::{Stream, StreamExt};
use poem::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use poem::{Body, Endpoint, IntoResponse, Request, Response};

/// Smaller replies cost more to compress than they save on the wire.
pub const MIN_BYTES: usize = 1024;

/// Middleware: see the module's documentation.
pub async fn gzip<E: Endpoint>(next: E, req: Request) -> poem::Result<Response> {
    let wanted = req.method() != Method::HEAD && accepts_gzip(req.headers());
    let resp = next.call(req).await.map(IntoResponse::into_response)?;
    if !wanted || !worth_compressing(&resp) {
        return Ok(resp);
    }
    let (mut parts, body) = resp.into_parts();
    parts
        .headers
        .append(header::VARY, HeaderValue::from_static("accept-encoding"));
    if is_streamed(&parts.headers) {
        // The export may be large and is sent as it is read: compress it
        // the same way, chunk by chunk, rather than gather it first.
        parts
            .headers
            .insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        parts.headers.remove(header::CONTENT_LENGTH);
        let stream = gzip_stream(Box::pin(body.into_bytes_stream()));
        return Ok(Response::from_parts(parts, Body::from_bytes_stream(stream)));
    }
    let bytes = body.into_vec().await.unwrap_or_default();
    if bytes.len() < MIN_BYTES {
        return Ok(Response::from_parts(parts, bytes.into()));
    }
    // Level 1: JSON and ICS repeat themselves so much that the fastest
    // level already takes them to about a tenth.
    let mut encoder = GzEncoder::new(Vec::with_capacity(bytes.len() / 4), Compression::fast());
    let Ok(compressed) = encoder.write_all(&bytes).and_then(|()| encoder.finish()) else {
        return Ok(Response::from_parts(parts, bytes.into()));
    };
    parts
        .headers
        .insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    parts.headers.remove(header::CONTENT_LENGTH);
    let weak = parts
        .headers
        .get(header::ETAG)
        .and_then(|v| v.to_str().ok())
        .filter(|etag| etag.starts_with('"'))
        .and_then(|etag| HeaderValue::from_str(&format!("W/{etag}")).ok());
    if let Some(weak) = weak {
        parts.headers.insert(header::ETAG, weak);
    }
    Ok(Response::from_parts(parts, compressed.into()))
}

/// Replies written as they are read (CSV exports), which are compressed as
/// a stream; the others are whole in memory already, and small.
fn is_streamed(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/csv"))
}

/// gzip over a stream: each chunk in, what the encoder has ready out, the
/// trailer at the end. Memory holds one chunk, not the reply.
fn gzip_stream<B: AsRef<[u8]> + Send + 'static>(
    input: std::pin::Pin<Box<dyn Stream<Item = std::io::Result<B>> + Send>>,
) -> impl Stream<Item = std::io::Result<Vec<u8>>> + Send + 'static {
    let encoder = GzEncoder::new(Vec::new(), Compression::fast());
    futures_util::stream::try_unfold((input, Some(encoder)), |(mut input, encoder)| async move {
        let Some(mut encoder) = encoder else {
            return Ok(None);
        };
        loop {
            match input.next().await {
                Some(chunk) => {
                    encoder.write_all(chunk?.as_ref())?;
                    let ready = std::mem::take(encoder.get_mut());
                    if !ready.is_empty() {
                        return Ok(Some((ready, (input, Some(encoder)))));
                    }
                }
                None => {
                    let rest = encoder.finish()?;
                    return Ok(Some((rest, (input, None))));
                }
            }
        }
    })
}

fn worth_compressing(resp: &Response) -> bool {
    let content_type = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    resp.status() == StatusCode::OK
        && !resp.headers().contains_key(header::CONTENT_ENCODING)
        && ["application/json", "text/calendar", "text/csv"]
            .iter()
            .any(|t| content_type.starts_with(t))
}

/// Whether `Accept-Encoding` takes gzip: named with a weight above zero, or
/// `*` when gzip is not named.
fn accepts_gzip(headers: &HeaderMap) -> bool {
    let mut star = false;
    for value in headers.get_all(header::ACCEPT_ENCODING) {
        let Ok(value) = value.to_str() else { continue };
        for item in value.split(',') {
            let mut fields = item.split(';');
            let coding = fields.next().unwrap_or("").trim().to_ascii_lowercase();
            let weight = fields
                .filter_map(|f| f.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            match coding.as_str() {
                "gzip" | "x-gzip" => return weight > 0.0,
                "*" => star = weight > 0.0,
                _ => {}
            }
        }
    }
    star
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accepts(value: &str) -> bool {
        let mut h = HeaderMap::new();
        h.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_str(value).unwrap(),
        );
        accepts_gzip(&h)
    }

    #[test]
    fn gzip_is_taken_only_when_offered_with_a_weight() {
        assert!(accepts("gzip"));
        assert!(accepts("br, gzip;q=0.8, deflate"));
        assert!(accepts("*"));
        assert!(accepts("GZIP"));
        assert!(!accepts("gzip;q=0"));
        assert!(!accepts("br, deflate"));
        assert!(!accepts("*, gzip;q=0"));
        assert!(!accepts("identity"));
        assert!(!accepts_gzip(&HeaderMap::new()));
    }
}
