//! The merchant API under `/v1/merchant/`, for warehouses that speak HTTP instead of (or
//! besides) folders, in CartRover's style: HTTP Basic with the warehouse's `api_user` and key,
//! every answer HTTP 200 with the [`answer`] envelope, pages of `limit` (default 20, at most
//! 100) and `page` (from 1).
//!
//! The API is another door to the same store and rules, never a second logic:
//! - reads ([`reads`]) come from the store the console and `wharf orders` read;
//! - `POST shipments`, `inventory`, `products` and `cancels` ([`writes`]) take a body in
//!   exactly the shape of the warehouse's `shipment*.json` / `inventory*.json` /
//!   `product*.json` / `cancel*.json` file and hand it to the pipeline as that file (an
//!   upload through the upload life cycle, `in/shipment-api-….json`): the same decoder, the same identity rules (a package already recorded is absorbed), the same plan
//!   recorded before anything is written, the same archive or `error/` report; the answer
//!   waits for the input to settle and carries the report's text;
//! - `POST orders/received` records what deleting `out/order_<cust_ref>.json` records (the
//!   same function) and removes that file.
//!
//! Each request gets an id (`X-Request-Id`, the client's own when it sends one), logged with
//! the API user, the route and the answer; bodies over [`BODY_LIMIT`] are refused. A POST with
//! an `Idempotency-Key` is answered once: a retry with the same key gets the first answer
//! ([`idempotency`]). The OpenAPI document ([`openapi`]) is derived from these handlers and
//! types, served at `/v1/openapi.json` and kept in the repository as `openapi.json`.

pub mod answer;
mod guard;
mod idempotency;
pub mod openapi;
mod reads;
mod writes;

use super::Shared;
use crate::config::Partner;
use crate::login::Logins;
use crate::pipeline::waiters::Waiters;
use crate::upload::Uploads;
use answer::Answer;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::HeaderName;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use std::sync::Arc;
use std::time::Instant;
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};

/// The largest request body accepted.
pub const BODY_LIMIT: usize = 8 * 1024 * 1024;

/// What the API needs besides the console's state.
#[derive(Debug)]
pub struct ApiState {
    logins: Arc<Logins>,
    uploads: Uploads,
    waiters: Waiters,
    limiter: guard::Limiter,
    in_flight: idempotency::InFlight,
}

impl ApiState {
    /// The API over the server's login policy, upload life cycle and pipeline.
    pub fn new(logins: Arc<Logins>, uploads: Uploads, waiters: Waiters) -> ApiState {
        ApiState {
            logins,
            uploads,
            waiters,
            limiter: guard::limiter(),
            in_flight: idempotency::InFlight::default(),
        }
    }
}

/// The authenticated caller.
#[derive(Debug, Clone)]
pub struct Caller {
    /// Its `api_user`.
    pub api_user: String,
    /// The warehouse it is.
    pub partner: Arc<Partner>,
}

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Request ids: a process-unique counter after the start time, short enough to read in a log.
#[derive(Debug, Clone)]
struct NextId {
    prefix: String,
    n: Arc<std::sync::atomic::AtomicU64>,
}

impl MakeRequestId for NextId {
    fn make_request_id<B>(&mut self, _: &axum::http::Request<B>) -> Option<RequestId> {
        let n = self.n.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        axum::http::HeaderValue::from_str(&format!("{}-{n}", self.prefix))
            .ok()
            .map(RequestId::new)
    }
}

/// The API's routes: `/v1/openapi.json` open, `/v1/merchant/…` behind the key check.
pub(super) fn routes(state: Shared) -> Router<Shared> {
    let merchant = Router::new()
        .route("/orders/list/{status}", get(reads::list_orders))
        .route("/orders/status/{cust_ref}", get(reads::order_status))
        .route("/inventory", get(reads::inventory).post(writes::inventory))
        .route("/inventory/{sku}", get(reads::inventory_sku))
        .route("/product/{sku}", get(reads::product))
        .route("/orders/received", post(writes::received))
        .route("/shipments", post(writes::shipments))
        .route("/products", post(writes::products))
        .route("/cancels", post(writes::cancels))
        .fallback(unknown)
        .route_layer(axum::middleware::from_fn_with_state(state, guard::guard));
    let prefix = format!("{:x}", jiff::Timestamp::now().as_second());
    Router::new()
        .route("/v1/openapi.json", get(openapi::serve))
        .nest("/v1/merchant", merchant)
        .layer(axum::middleware::from_fn(log_request))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(SetRequestIdLayer::new(
            REQUEST_ID,
            NextId {
                prefix,
                n: Arc::default(),
            },
        ))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
}

async fn unknown() -> Answer {
    Answer::invalid("no such endpoint (see /v1/openapi.json)")
}

/// Logs every request with its id, once answered.
async fn log_request(req: Request, next: Next) -> Response {
    let id = req
        .extensions()
        .get::<RequestId>()
        .and_then(|r| r.header_value().to_str().ok())
        .unwrap_or("-")
        .to_owned();
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let span = tracing::info_span!("api", request_id = %id, %method, %path);
    let start = Instant::now();
    let resp = tracing::Instrument::instrument(next.run(req), span.clone()).await;
    let caller = resp
        .extensions()
        .get::<Caller>()
        .map(|c| c.api_user.clone())
        .unwrap_or_default();
    span.in_scope(|| {
        tracing::info!(
            api_user = %caller,
            status = resp.status().as_u16(),
            ms = start.elapsed().as_millis() as u64,
            "merchant API request"
        );
    });
    resp
}

/// The caller's request, answered: the handlers' common tail (the caller goes on the
/// response so the log line can name it).
fn answered(caller: &Caller, answer: Answer) -> Response {
    let mut r = answer.into_response();
    r.extensions_mut().insert(caller.clone());
    r
}
