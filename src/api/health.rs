//! Liveness and readiness.

use poem::web::Data;
use poem_openapi::{ApiResponse, OpenApi, payload::PlainText};

use super::tags::ApiTags;
use crate::store::Store;

#[derive(ApiResponse)]
pub enum Health {
    /// The service is up.
    #[oai(status = 200)]
    Ok(PlainText<String>),
}

#[derive(ApiResponse)]
pub enum Readiness {
    /// The database answers and every migration is applied.
    #[oai(status = 200)]
    Ready(PlainText<String>),
    /// The database is unreachable or migrations are pending.
    #[oai(status = 503)]
    NotReady(PlainText<String>),
}

pub struct HealthApi;

#[OpenApi(tag = "ApiTags::Operations")]
impl HealthApi {
    /// Liveness
    ///
    /// Answers while the process runs; it does not touch the database.
    #[oai(path = "/healthz", method = "get", operation_id = "getHealth")]
    async fn healthz(&self) -> Health {
        Health::Ok(PlainText("ok".into()))
    }

    /// Readiness
    ///
    /// Answers 200 when the database is reachable and fully migrated, else 503.
    #[oai(path = "/readyz", method = "get", operation_id = "getReadiness")]
    async fn readyz(&self, store: Data<&Store>) -> Readiness {
        match store.ready().await {
            Ok(()) => Readiness::Ready(PlainText("ready".into())),
            Err(e) => {
                tracing::warn!(error = %e, "not ready");
                Readiness::NotReady(PlainText(format!("not ready: {e}")))
            }
        }
    }
}
