//! The committed spec is exactly what `convene openapi` prints, and it
//! documents every operation the way clients need.

use serde_json::Value;

const SPEC_PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/openapi.json");
const DEFAULT_URL: &str = "http://127.0.0.1:8080";

fn generated() -> String {
    format!("{}\n", convene::api::service(DEFAULT_URL).spec())
}

#[test]
fn the_committed_spec_matches_the_code() {
    let fresh = generated();
    if std::env::var("CONVENE_UPDATE_SPEC").is_ok_and(|v| v == "1") {
        std::fs::write(SPEC_PATH, &fresh).unwrap();
    }
    let committed = std::fs::read_to_string(SPEC_PATH).unwrap_or_default();
    assert!(
        committed == fresh,
        "openapi/openapi.json is out of date: run `cargo run -- openapi > openapi/openapi.json` and commit it"
    );
}

#[test]
fn every_operation_has_its_id_summary_tag_and_error_responses() {
    let spec: Value = serde_json::from_str(&generated()).unwrap();
    let mut ids = Vec::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let id = op["operationId"]
                .as_str()
                .unwrap_or_else(|| panic!("{method} {path} has no operationId"));
            ids.push(id.to_string());
            assert!(
                op["summary"].as_str().is_some_and(|s| !s.is_empty()),
                "{id} has no summary"
            );
            assert!(
                op["description"].as_str().is_some_and(|s| !s.is_empty()),
                "{id} has no description"
            );
            assert!(
                op["tags"].as_array().is_some_and(|t| !t.is_empty()),
                "{id} has no tag"
            );
            let responses = op["responses"].as_object().unwrap();
            if path.starts_with("/api/") {
                for (status, r) in responses
                    .iter()
                    .filter(|(s, _)| s.starts_with('4') || s.starts_with('5'))
                {
                    assert!(
                        r["content"]["application/problem+json"].is_object(),
                        "{id} {status} is not documented as problem+json"
                    );
                }
                assert!(responses.contains_key("500"), "{id} documents no 500");
                assert!(
                    responses.keys().any(|s| s.starts_with('4')),
                    "{id} documents no client error"
                );
            }
        }
    }
    for expected in [
        "createPoll",
        "listPolls",
        "getPoll",
        "updatePoll",
        "deletePoll",
        "addOption",
        "updateOption",
        "deleteOption",
        "closePoll",
        "reopenPoll",
        "getResults",
        "submitResponse",
        "listResponses",
        "getMyResponse",
        "replaceMyResponse",
        "withdrawMyResponse",
    ] {
        assert!(
            ids.iter().any(|i| i == expected),
            "{expected} is missing from the spec"
        );
    }
    let schemes = spec["components"]["securitySchemes"].as_object().unwrap();
    assert!(schemes.contains_key("OrganiserToken") && schemes.contains_key("ResponseToken"));
    // A problem without field errors leaves `errors` out, so it must not be required.
    let required = spec["components"]["schemas"]["Problem"]["required"]
        .as_array()
        .unwrap();
    assert!(
        !required.iter().any(|r| r == "errors" || r == "error_id"),
        "{required:?}"
    );
    let create = &spec["paths"]["/api/v1/polls"]["post"];
    assert_eq!(
        create["security"][0]["OrganiserToken"],
        serde_json::json!([])
    );
}

#[test]
fn dates_and_instants_use_formats_that_generators_understand() {
    let text = generated();
    assert!(
        !text.contains("naive-date"),
        "poem's naive-date formats make generated clients fall back to strings"
    );
    let spec: Value = serde_json::from_str(&text).unwrap();
    let option = &spec["components"]["schemas"]["OptionInput"]["properties"];
    assert_eq!(option["start_date"]["format"], "date");
}

#[test]
fn swagger_ui_orders_every_tag_of_the_spec() {
    let spec: Value = serde_json::from_str(&generated()).unwrap();
    let mut tags: Vec<&str> = spec["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    let mut ordered = convene::api::TAG_ORDER.to_vec();
    tags.sort();
    ordered.sort();
    assert_eq!(
        tags, ordered,
        "a tag missing from api::TAG_ORDER would sort to the end of Swagger UI"
    );
}
