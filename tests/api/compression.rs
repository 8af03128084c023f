//! Replies are gzipped for clients that accept it, and only for them; what
//! arrives decompresses to exactly the plain reply.

use std::io::Read;

use reqwest::Method;
use serde_json::{Value, json};

use crate::both_databases;
use crate::helpers::{TestApp, id};

async fn get(app: &TestApp, path: &str, encoding: Option<&str>) -> reqwest::Response {
    let mut req = app
        .client
        .get(format!("{}{path}", app.address))
        .bearer_auth(&app.token);
    if let Some(e) = encoding {
        req = req.header("Accept-Encoding", e);
    }
    req.send().await.unwrap()
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .expect("a gzip body");
    out
}

async fn large_replies_are_gzipped_for_clients_that_accept_it(app: TestApp) {
    let options: Vec<Value> = (0..12)
        .map(|h| json!({ "kind": "timed", "start": format!("2026-09-01T{:02}:00", 8 + h), "end": format!("2026-09-01T{:02}:45", 8 + h) }))
        .collect();
    let poll = app
        .create_poll(
            &json!({ "title": "Twelve slots", "time_zone": "Europe/Vienna", "options": options }),
        )
        .await;
    app.vote(&poll, "Bruna", &[(0, "yes")]).await.ok(201);
    for path in [
        format!("/api/v1/polls/{}", id(&poll)),
        format!("/api/v1/polls/{}/results", id(&poll)),
        format!("/api/v1/polls/{}/holds.ics", id(&poll)),
    ] {
        let plain = get(&app, &path, None).await;
        assert_eq!(plain.status().as_u16(), 200);
        assert!(plain.headers().get("content-encoding").is_none(), "{path}");
        let plain_etag = plain.headers().get("etag").cloned();
        let plain_body = plain.bytes().await.unwrap();
        assert!(
            plain_body.len() >= convene::compression::MIN_BYTES,
            "{path}"
        );

        let zipped = get(&app, &path, Some("br, gzip;q=0.8")).await;
        assert_eq!(zipped.headers()["content-encoding"], "gzip", "{path}");
        assert!(
            zipped.headers()["vary"]
                .to_str()
                .unwrap()
                .contains("accept-encoding")
        );
        if let Some(etag) = plain_etag {
            // The same version, as a weak validator: the bytes differ.
            assert_eq!(
                zipped.headers()["etag"].to_str().unwrap(),
                format!("W/{}", etag.to_str().unwrap())
            );
        }
        let body = zipped.bytes().await.unwrap();
        assert!(
            body.len() < plain_body.len() / 2,
            "{path}: {} bytes",
            body.len()
        );
        let unzipped = gunzip(&body);
        if path.ends_with(".ics") {
            // DTSTAMP is the moment of rendering: compare all else.
            let strip = |b: &[u8]| {
                String::from_utf8_lossy(b)
                    .lines()
                    .filter(|l| !l.starts_with("DTSTAMP"))
                    .collect::<Vec<_>>()
                    .join("\n")
            };
            assert_eq!(strip(&unzipped), strip(&plain_body));
        } else {
            let a: Value = serde_json::from_slice(&unzipped).unwrap();
            let b: Value = serde_json::from_slice(&plain_body).unwrap();
            assert_eq!(a, b, "{path}");
        }

        let refused = get(&app, &path, Some("gzip;q=0, identity")).await;
        assert!(refused.headers().get("content-encoding").is_none());
    }
    // A small reply is not worth it.
    let small = get(&app, "/readyz", Some("gzip")).await;
    assert!(small.headers().get("content-encoding").is_none());

    // The weak ETag of a compressed read still names the version to edit.
    let zipped = get(&app, &format!("/api/v1/polls/{}", id(&poll)), Some("gzip")).await;
    let etag = zipped.headers()["etag"].to_str().unwrap().to_string();
    assert!(etag.starts_with("W/\""));
    app.request_with(
        Method::PATCH,
        &format!("/api/v1/polls/{}", id(&poll)),
        Some(&app.token),
        Some(&json!({ "location": "Conference Room 3" })),
        &[("If-Match", &etag)],
    )
    .await
    .ok(200);
}

both_databases!(large_replies_are_gzipped_for_clients_that_accept_it);
