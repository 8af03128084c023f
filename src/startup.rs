//! Assembles the service from a store and a listener. `main` and the tests
//! both start it through here, so tests run exactly what users run.

use std::future::Future;
use std::time::Duration;

use poem::{
    EndpointExt, IntoEndpoint, Route, Server, endpoint::make_sync, listener::TcpAcceptor,
    middleware::Tracing, web::Redirect,
};

use crate::api::{self, error::catch_problems};
use crate::store::Store;

/// Every route of the service.
pub fn app(store: Store, public_url: &str) -> impl poem::Endpoint + 'static {
    let service = api::service(public_url);
    let docs = service.swagger_ui();
    let spec = service.spec_endpoint();
    Route::new()
        .nest("/", service)
        .nest("/docs", docs)
        .at("/openapi.json", spec)
        .at("/", make_sync(|_| Redirect::see_other("/docs")))
        .data(store)
        .around(catch_problems)
        .with(Tracing)
        .into_endpoint()
}

/// Serves until `shutdown` resolves, then lets in-flight requests finish.
pub async fn serve(
    listener: tokio::net::TcpListener,
    store: Store,
    public_url: String,
    shutdown: impl Future<Output = ()> + Send,
) -> std::io::Result<()> {
    let acceptor = TcpAcceptor::from_tokio(listener)?;
    Server::new_with_acceptor(acceptor)
        .run_with_graceful_shutdown(
            app(store, &public_url),
            shutdown,
            Some(Duration::from_secs(20)),
        )
        .await
}
