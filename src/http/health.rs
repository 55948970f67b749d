//! `GET /healthz`: `200 ok` while the listeners run and the store accepts writes; `503` with
//! the reason otherwise, and from the moment shutdown begins. No login: a load balancer or
//! systemd watchdog asks it.

use super::Shared;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;

/// The route.
pub(super) fn routes() -> Router<Shared> {
    Router::new().route("/healthz", get(healthz))
}

async fn healthz(State(state): State<Shared>) -> (StatusCode, String) {
    let health = state.health.clone();
    match tokio::task::spawn_blocking(move || health.check()).await {
        Ok(Ok(())) => (StatusCode::OK, "ok\n".into()),
        Ok(Err(why)) => (StatusCode::SERVICE_UNAVAILABLE, format!("{why}\n")),
        Err(_) => (
            StatusCode::SERVICE_UNAVAILABLE,
            "health check failed\n".into(),
        ),
    }
}
