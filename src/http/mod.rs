//! The HTTP listener (`[http]`): `/healthz` and `/metrics` without login, and the web console
//! behind one. One listener, one router: axum on the tokio/hyper stack the gateway already
//! runs, TLS through the same rustls set-up as FTPS.
//!
//! The router is assembled in [`router`] from one sub-router per module, each bringing its own
//! authentication as a layer on its own routes (the console's session login is
//! `console::routes`'s affair; a machine API under `/v1/…` would nest its router here with
//! its own key check, and neither sees the other's). Pages are compiled `askama` templates
//! (`templates/`), escaped by default.

pub mod api;
pub mod console;
mod health;
mod metrics_route;
mod serve;

use crate::config::{Config, HttpConfig};
use crate::ops::health::Health;
use crate::shutdown::Shutdown;
use crate::store::Store;
use axum::Router;
use axum::http::{HeaderName, HeaderValue};
use metrics_exporter_prometheus::PrometheusHandle;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::task::JoinHandle;
use tower_http::set_header::SetResponseHeaderLayer;

/// What every handler can reach.
#[derive(Debug)]
pub struct AppState {
    /// The configuration.
    pub config: Arc<Config>,
    /// The store.
    pub store: Arc<Store>,
    /// The instance's health.
    pub health: Arc<Health>,
    /// Renders `/metrics`.
    pub metrics: PrometheusHandle,
    /// The console's accounts and sessions.
    pub console: console::Console,
    /// Whether the listener speaks HTTPS (cookies are then `Secure`).
    pub tls: bool,
    /// The merchant API (absent in tools that only read).
    pub api: Option<api::ApiState>,
}

/// The state as handlers receive it.
pub type Shared = Arc<AppState>;

impl AppState {
    /// The state for `config` (its `[http]` table) over `store`.
    pub fn new(
        config: Arc<Config>,
        store: Arc<Store>,
        health: Arc<Health>,
        api: Option<api::ApiState>,
    ) -> Shared {
        let http = config.http.as_ref();
        let console = console::Console::new(
            http.map(|h| h.admins.as_slice()).unwrap_or_default(),
            &config.limits,
        );
        Arc::new(AppState {
            tls: http.is_some_and(HttpConfig::tls),
            metrics: crate::ops::metrics::install(),
            console,
            api,
            health,
            store,
            config,
        })
    }
}

/// The client's address, attached to every request by the listener.
#[derive(Debug, Clone, Copy)]
pub struct Peer(pub SocketAddr);

/// Every route. Security headers on every response: no framing, no sniffing, scripts and
/// styles from this origin only.
pub fn router(state: Shared) -> Router {
    let header = |name: &'static str, value: &'static str| {
        SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        )
    };
    Router::new()
        .merge(health::routes())
        .merge(metrics_route::routes())
        .merge(console::routes(state.clone()))
        .merge(api::routes(state.clone()))
        .with_state(state)
        .layer(header(
            "content-security-policy",
            "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ))
        .layer(header("x-content-type-options", "nosniff"))
        .layer(header("referrer-policy", "same-origin"))
        .layer(header("x-frame-options", "DENY"))
        .layer(tower_http::compression::CompressionLayer::new())
}

/// Why the HTTP listener could not start.
#[derive(Debug, thiserror::Error)]
pub enum HttpStartError {
    /// An address could not be bound.
    #[error("[http] cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
    /// The certificate or key could not be loaded.
    #[error("[http] TLS: {0}")]
    Tls(String),
}

/// Binds every `listen` address and serves [`router`] until `stop`; returns one task per
/// address, each ending once its connections are done (or after a short grace).
pub async fn start(
    http: &HttpConfig,
    state: Shared,
    stop: Shutdown,
) -> Result<Vec<JoinHandle<()>>, HttpStartError> {
    let tls = match (&http.tls_cert, &http.tls_key) {
        (Some(cert), Some(key)) => {
            Some(crate::transport::ftp::tls::acceptor(cert, key).map_err(HttpStartError::Tls)?)
        }
        _ => None,
    };
    let app = router(state);
    let mut tasks = Vec::new();
    for addr in &http.listen {
        let listener = crate::transport::bind(*addr).map_err(|source| HttpStartError::Bind {
            addr: *addr,
            source,
        })?;
        let local = listener.local_addr().unwrap_or(*addr);
        tracing::info!(addr = %local, tls = tls.is_some(), "HTTP listening (console, /healthz, /metrics)");
        tasks.push(tokio::spawn(serve::accept_loop(
            listener,
            app.clone(),
            tls.clone(),
            stop.clone(),
        )));
    }
    Ok(tasks)
}
