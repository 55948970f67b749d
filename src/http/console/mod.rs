//! The web console: a login, then plain server-rendered pages (dashboard, orders, files in
//! `error/` with their requeue button, the alert log). No script: every page is an HTML
//! document from a compiled template, small enough to load at once on a laptop.
//!
//! Security: a session cookie (`HttpOnly`, `SameSite=Strict`, `Secure` under TLS) after a
//! password login checked against `[[http.admin]]` (argon2, the same lockout as partner
//! logins, and an unknown name costs the same as a wrong password); every form that changes
//! something carries the session's CSRF token, and a POST without it is refused. A request
//! without a session gets the login page (401), whatever it asked for.

mod auth;
mod charts;
mod pages;
mod views;

pub use auth::Console;

use super::Shared;
use axum::Router;
use axum::routing::{get, post};

/// The stylesheet, served at `/static/console.css`.
const CSS: &str = include_str!("../../../static/console.css");

/// The console's routes: `/login` open, everything else behind the session check.
pub(super) fn routes(state: Shared) -> Router<Shared> {
    let private = Router::new()
        .route("/", get(pages::dashboard))
        .route("/orders", get(pages::orders))
        .route("/orders/{cust_ref}", get(pages::order))
        .route("/errors", get(pages::errors))
        .route("/error", get(pages::error_file))
        .route("/error/download", get(pages::download))
        .route("/requeue", post(pages::requeue))
        .route("/alerts", get(pages::alerts))
        .route("/logout", post(auth::logout))
        .route_layer(axum::middleware::from_fn_with_state(
            state,
            auth::require_admin,
        ));
    Router::new()
        .route("/login", get(auth::login_page).post(auth::login))
        .route("/static/console.css", get(stylesheet))
        .merge(private)
}

async fn stylesheet() -> impl axum::response::IntoResponse {
    (
        [
            (axum::http::header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (axum::http::header::CACHE_CONTROL, "max-age=3600"),
        ],
        CSS,
    )
}
