//! `GET /metrics`: the Prometheus text exposition ([`crate::ops::metrics`]). No login, like
//! every Prometheus endpoint: bind `[http]` to an internal address, or put the listener behind
//! a proxy that keeps `/metrics` inside.

use super::Shared;
use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;

/// The route.
pub(super) fn routes() -> Router<Shared> {
    Router::new().route("/metrics", get(metrics))
}

async fn metrics(State(state): State<Shared>) -> axum::response::Response {
    let s = state.clone();
    let text = tokio::task::spawn_blocking(move || {
        crate::ops::metrics::render(&s.metrics, &s.config, &s.store)
    })
    .await;
    match text {
        Ok(text) => (
            [(
                header::CONTENT_TYPE,
                "text/plain; version=0.0.4; charset=utf-8",
            )],
            text,
        )
            .into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}
